package io.participantsync.intake;

import io.participantsync.core.Headers;
import io.participantsync.core.RecordSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.camel.Exchange;
import org.apache.camel.spi.IdempotentRepository;

/**
 * The CSV drop's bean (see {@code routes/intake-csv.camel.yaml}): opens a dropped file as a stream of canonical
 * records for {@code direct:ingest-batch}, places its report beside the archived file, and skips a file whose exact
 * content was already processed (SHA-256 kept in a persistent idempotent repository once its batch completes).
 * Its rows are checkpointed under {@code csv:<sha256>}: a file whose batch a crash interrupted is still in the inbox
 * after a restart, and is read again with the rows that already had an outcome re-emitted instead of sent.
 */
public final class CsvIntake {

    /** Header the edge sets: where the file will be archived, relative to the inbox (or absolute). */
    public static final String ARCHIVE_NAME = "PsArchiveName";
    /** Optional headers an edge sets for its own folder: delimiter and header mapping (see CsvOptions.parse). */
    public static final String DELIMITER = "PsCsvDelimiter";
    public static final String FIELD_MAPPING = "PsCsvFieldMapping";
    static final String CONTENT_SHA256 = "PsContentSha256";
    /** Prefix of the source ids of dropped files. */
    public static final String SOURCE_ID_PREFIX = "csv:";

    private final CsvRecordReader reader;
    private final IdempotentRepository processedFiles;
    private final Consumer<String> settled;
    private final Map<String, CsvRecordReader> perFolder = new ConcurrentHashMap<>();

    public CsvIntake(CsvRecordReader reader, IdempotentRepository processedFiles) {
        this(reader, processedFiles, id -> { });
    }

    /** @param settled told the source id of a file once it is known as processed (its checkpoints can go) */
    public CsvIntake(CsvRecordReader reader, IdempotentRepository processedFiles, Consumer<String> settled) {
        this.reader = reader;
        this.processedFiles = processedFiles;
        this.settled = settled;
    }

    /** Opens the file of a file-consumer exchange; a file already processed becomes an empty batch with a note. */
    public RecordSource open(Exchange exchange) {
        Path file = Path.of(exchange.getIn().getHeader(Exchange.FILE_PATH, String.class));
        String name = file.getFileName().toString();
        exchange.getIn().setHeader(Headers.SOURCE_KIND, "csv");
        exchange.getIn().setHeader(Headers.SOURCE_NAME, name);
        String archive = exchange.getIn().getHeader(ARCHIVE_NAME, String.class);
        if (archive != null) {
            Path parent = file.toAbsolutePath().getParent();
            exchange.getIn().setHeader(Headers.REPORT_PATH, parent.resolve(archive + ".report.json").toString());
        }
        String sha = sha256(file);
        exchange.getIn().setHeader(CONTENT_SHA256, sha);
        exchange.getIn().setHeader(Headers.SOURCE_ID, SOURCE_ID_PREFIX + sha);
        if (processedFiles.contains(sha)) {
            return RecordSource.of(List.of(), List.of("skipped: a file with the same content (sha256 " + sha
                    + ") was processed before"));
        }
        try {
            return readerFor(exchange).open(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name, e);
        }
    }

    /** The folder's own reader when its edge sets a delimiter or a field mapping, else the configured default. */
    private CsvRecordReader readerFor(Exchange exchange) {
        String delimiter = exchange.getIn().getHeader(DELIMITER, String.class);
        String mapping = exchange.getIn().getHeader(FIELD_MAPPING, String.class);
        if ((delimiter == null || delimiter.isBlank()) && (mapping == null || mapping.isBlank())) {
            return reader;
        }
        String route = exchange.getFromRouteId() == null ? "csv" : exchange.getFromRouteId();
        CsvOptions limits = reader.options();
        return perFolder.computeIfAbsent(delimiter + "\u0000" + mapping, k -> new CsvRecordReader(
                CsvOptions.parse(delimiter, mapping, route).withLimits(limits.maxColumns(), limits.maxFieldLength())));
    }

    /** Called by the edge after the batch completed: this content is not processed again. */
    public void done(Exchange exchange) {
        String sha = exchange.getIn().getHeader(CONTENT_SHA256, String.class);
        if (sha != null) {
            processedFiles.add(sha);
            // only now: until the content is known as processed, a restart must find the rows' outcomes
            settled.accept(SOURCE_ID_PREFIX + sha);
        }
    }

    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[64 * 1024];
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
