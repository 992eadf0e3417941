package io.participantsync.deadletter;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.participantsync.model.CanonicalFields;
import io.participantsync.model.DeliveryOutcome;
import io.participantsync.model.ParticipantUpdate;
import io.participantsync.model.Source;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * The dead-letter folder. Each rejected or failed record gets one JSON object (the record with sensitive values
 * masked, its source, provider, connection, outcome, HTTP status, provider code and message, attempts, timestamps),
 * appended as one line to its batch's JSON-lines file {@code <date>/<source>-<batch>.deadletters.jsonl} (named
 * after the source of the batch's first dead letter) and flushed
 * before the outcome is recorded; past {@link #MAX_FILE_BYTES} the batch goes on in
 * {@code ...-<batch>.2.deadletters.jsonl}
 * and so on. So a batch of a million failures is a handful of files, not a million. A dead letter's location is
 * {@code <file>#<line>} (line numbers from 1; see {@link #readLetter}). Records that came from a CSV file are also
 * appended to that file's
 * {@code <date>/<file>.rejected.csv}: the original columns unchanged plus {@code error_category,error_message}, ready
 * to be fixed and dropped back into the inbox; cells a spreadsheet would run as formulas are prefixed with {@code '}
 * (see {@link #formulaSafe}), which the CSV reader removes again when such a file is dropped back. The CSV's rows are in the file's row order
 * (not the order the records finished), written when the batch closes: the rows are collected with bounded memory
 * (sorted chunks spilled to temporary run files and merged), written to a temporary file and renamed into place.
 * Everything is owner-only.
 */
public final class DeadLetterWriter {

    private static final List<String> ERROR_COLUMNS = List.of("error_category", "error_message");
    /** Added after the error columns when a row's cells could not be split: its text as it was in the file. */
    private static final String RAW_LINE = "raw_line";
    /** First characters that make a spreadsheet cell a formula, plus the escape character itself. */
    private static final String FORMULA_STARTS = "=+-@\t\r'";
    /** How the CSV reader turns a header into a field name: runs of spaces and hyphens become '_'. */
    private static final Pattern SEPARATORS = Pattern.compile("[\\s-]+");

    private final Path dir;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, RejectedCsv> openCsv = new ConcurrentHashMap<>();
    private final Map<String, LetterFile> openLetters = new ConcurrentHashMap<>();

    /** The JSON-lines file of one batch's dead letters goes on in a new numbered file past this many bytes. */
    static final long MAX_FILE_BYTES = 64L * 1024 * 1024;
    /** The end of a dead-letter JSON-lines file's name. */
    public static final String LINES_SUFFIX = ".deadletters.jsonl";

    private final long maxFileBytes;

    /** Rejected rows of one file kept in memory before they are sorted and spilled to a temporary run file. */
    static final int CHUNK_ROWS = 10_000;

    private final int chunkRows;

    public DeadLetterWriter(Path dir, Clock clock) {
        this(dir, clock, CHUNK_ROWS);
    }

    /** {@code chunkRows}: see {@link #CHUNK_ROWS}; tests make it small to exercise the merge. */
    DeadLetterWriter(Path dir, Clock clock, int chunkRows) {
        this(dir, clock, chunkRows, MAX_FILE_BYTES);
    }

    /** {@code maxFileBytes}: see {@link #MAX_FILE_BYTES}; tests make it small to exercise the rotation. */
    DeadLetterWriter(Path dir, Clock clock, int chunkRows, long maxFileBytes) {
        this.dir = dir;
        this.clock = clock;
        this.chunkRows = chunkRows;
        this.maxFileBytes = maxFileBytes;
    }

    public Path dir() {
        return dir;
    }

    /**
     * Writes the dead letter of one outcome: appends it to its batch's JSON-lines file and flushes it; returns its
     * location, {@code <file>#<line>}.
     */
    public String write(DeliveryOutcome outcome, String batchId) {
        ParticipantUpdate u = outcome.update();
        Source src = u.source();
        Path day = dir.resolve(LocalDate.now(clock.withZone(ZoneOffset.UTC)).toString());
        // one file per batch (records of a queue or replay batch each have their own source name), named after
        // the source of the batch's first dead letter
        LetterFile file = openLetters.computeIfAbsent(batchId + "|", k -> new LetterFile(day,
                safe(src.kind()) + "-" + safe(src.name()) + "-" + safe(batchId)));
        try {
            ObjectNode root = json.createObjectNode();
            root.put("outcome", outcome.outcome().label());
            root.put("error_category", outcome.category());
            // messages are built by several callers; masking here is the last line of defence
            root.put("error_message", Redaction.redact(outcome.message(), u));
            root.put("provider", u.provider());
            root.put("connection", outcome.connection());
            if (outcome.error() != null && outcome.error().status() > 0) {
                root.put("http_status", outcome.error().status());
            }
            if (outcome.error() != null) {
                root.put("provider_code", outcome.error().code());
                root.put("provider_message", Redaction.redact(outcome.error().message(), u));
            }
            root.put("attempts", outcome.attempts());
            root.put("started_at", outcome.startedAt().toString());
            root.put("finished_at", outcome.finishedAt().toString());
            root.put("batch_id", batchId);
            ObjectNode source = root.putObject("source");
            source.put("kind", src.kind());
            source.put("name", src.name());
            if (src.row() > 0) {
                source.put("row", src.row());
            }
            source.put("received_at", src.receivedAt().toString());
            source.put("correlation_id", src.correlationId());
            ObjectNode record = root.putObject("record");
            record.put("provider", u.provider());
            record.put("connection", u.connection());
            u.maskedFields().forEach(record::put);
            if (!src.header().isEmpty()) {
                ObjectNode original = root.putObject("original_row");
                for (int i = 0; i < src.header().size(); i++) {
                    original.put(src.header().get(i),
                            i < src.values().size() ? mask(src.values().get(i), src.header().get(i), u) : null);
                }
            }
            String location = file.append(json.writeValueAsBytes(root));
            if (!src.header().isEmpty()) {
                appendCsv(batchId, day, src, u, outcome);
            }
            return location;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write dead letter to " + (file.file != null ? file.file : day), e);
        }
    }

    /**
     * The dead letter at {@code location}: {@code <file>#<line>} (a line of a JSON-lines file) or, as written by
     * earlier versions, a JSON file of its own.
     */
    public static String readLetter(String location) throws IOException {
        int hash = location.lastIndexOf('#');
        if (hash < 0 || !location.substring(0, hash).endsWith(LINES_SUFFIX)) {
            return Files.readString(Path.of(location));
        }
        long line = Long.parseLong(location.substring(hash + 1));
        try (Stream<String> lines = Files.lines(Path.of(location.substring(0, hash)), StandardCharsets.UTF_8)) {
            return lines.skip(line - 1).findFirst()
                    .orElseThrow(() -> new IOException(location + ": no such line"));
        }
    }

    /**
     * The open JSON-lines file of one batch's dead letters: lines are appended whole and flushed
     * under its lock, so records finishing in parallel never interleave.
     */
    private final class LetterFile {
        final Path day;
        final String base;
        int part = 1;
        Path file;
        OutputStream out;
        long bytes;
        long lines;

        LetterFile(Path day, String base) {
            this.day = day;
            this.base = base;
        }

        synchronized String append(byte[] line) throws IOException {
            // a file moved away by a replay (all its lines were replayed) is not written to again
            if (out == null || bytes > 0 && bytes + line.length + 1 > maxFileBytes || !Files.exists(file)) {
                next();
            }
            out.write(line);
            out.write('\n');
            out.flush();
            bytes += line.length + 1;
            lines++;
            return file + "#" + lines;
        }

        /** Opens the next part that has room (one left by an earlier run of the same batch is appended to). */
        private void next() throws IOException {
            if (out != null) {
                out.close();
                out = null;
                part++;
            }
            while (true) {
                file = day.resolve(base + (part == 1 ? "" : "." + part) + LINES_SUFFIX);
                if (!Files.exists(file)) {
                    SecureFiles.createFile(file);
                    bytes = 0;
                    lines = 0;
                    break;
                }
                bytes = Files.size(file);
                if (bytes < maxFileBytes) {
                    lines = countLines(file);
                    break;
                }
                part++;
            }
            out = new BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.APPEND));
            if (bytes > 0 && lastByte(file) != '\n') {
                // a run that stopped mid-line: the torn line keeps its number, the next one starts afresh
                out.write('\n');
                bytes++;
                lines++;
            }
        }

        synchronized void close() throws IOException {
            if (out != null) {
                out.close();
                out = null;
            }
        }
    }

    private static long countLines(Path file) throws IOException {
        long n = 0;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            int b;
            while ((b = in.read()) >= 0) {
                if (b == '\n') {
                    n++;
                }
            }
        }
        return n;
    }

    private static int lastByte(Path file) throws IOException {
        try (SeekableByteChannel ch = Files.newByteChannel(file)) {
            ch.position(ch.size() - 1);
            ByteBuffer one = ByteBuffer.allocate(1);
            ch.read(one);
            return one.get(0);
        }
    }

    /**
     * Adds a record to its batch's {@code .rejected.csv} only (no dead letter): for an outcome re-emitted from a
     * checkpoint, whose dead letter was written in the run that the crash interrupted, while that run's CSV
     * never reached its place. Does nothing for a record that did not come from a CSV file.
     */
    public void appendRejectedRow(DeliveryOutcome outcome, String batchId) {
        Source src = outcome.update().source();
        if (src.header().isEmpty()) {
            return;
        }
        Path day = dir.resolve(LocalDate.now(clock.withZone(ZoneOffset.UTC)).toString());
        try {
            appendCsv(batchId, day, src, outcome.update(), outcome);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the rejected CSV of " + src.name(), e);
        }
    }

    /** Closes the batch's dead-letter files and renames its rejected CSV files into place; returns the latter. */
    public List<Path> closeBatch(String batchId) {
        for (var it = openLetters.entrySet().iterator(); it.hasNext();) {
            var e = it.next();
            if (e.getKey().startsWith(batchId + "|")) {
                it.remove();
                try {
                    e.getValue().close();
                } catch (IOException ex) {
                    throw new UncheckedIOException("cannot close " + e.getValue().file, ex);
                }
            }
        }
        List<Path> done = new ArrayList<>();
        for (var it = openCsv.entrySet().iterator(); it.hasNext();) {
            var e = it.next();
            if (!e.getKey().startsWith(batchId + "|")) {
                continue;
            }
            it.remove();
            try {
                done.add(e.getValue().finish());
            } catch (IOException ex) {
                throw new UncheckedIOException("cannot finish " + e.getValue().target, ex);
            }
        }
        return done;
    }

    private void appendCsv(String batchId, Path day, Source src, ParticipantUpdate u, DeliveryOutcome outcome)
            throws IOException {
        RejectedCsv csv = openCsv.computeIfAbsent(batchId + "|" + src.name(), k -> {
            try {
                return new RejectedCsv(day, src.name(), src.header(), !rawLine(src).isEmpty(), chunkRows);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        csv.append(src, u, outcome);
    }

    /**
     * A sensitive cell is blanked: a blank cell means "leave unchanged" when the file is dropped back. A cell is
     * sensitive when it holds one of the record's sensitive values (whatever its column is called), or when its column
     * is a sensitive field: a duplicated column's second value never reaches the record, so only its name tells.
     */
    private static String mask(String cell, String column, ParticipantUpdate u) {
        if (cell == null || cell.isBlank()) {
            return cell;
        }
        if (column != null && CanonicalFields.isSensitive(SEPARATORS.matcher(
                column.replace('\u00A0', ' ').strip().toLowerCase(Locale.ROOT)).replaceAll("_"))) {
            return "";
        }
        for (String f : CanonicalFields.SENSITIVE) {
            if (cell.trim().equals(u.get(f))) {
                return "";
            }
        }
        return cell;
    }

    private static String safe(String s) {
        String v = s == null ? "unknown" : s.replaceAll("[^A-Za-z0-9._-]", "_");
        return v.length() > 80 ? v.substring(0, 80) : v;
    }

    /**
     * A cell a spreadsheet would run as a formula (CWE-1236: it starts with {@code = + - @}, a tab or a carriage
     * return) gets a leading {@code '}, which makes it text; so does a cell that starts with {@code '} itself, so that
     * the reader, which removes one leading {@code '} from every cell of a rejected CSV dropped back, gets the
     * original value in every case ({@code +46 8 555 010 21} stays a phone number).
     */
    static String formulaSafe(String cell) {
        if (cell == null || cell.isEmpty()) {
            return cell;
        }
        return FORMULA_STARTS.indexOf(cell.charAt(0)) >= 0 ? "'" + cell : cell;
    }

    /** The row's text when its cells could not be split (the reader's {@code raw_line} column), else "". */
    private static String rawLine(Source src) {
        int at = src.header().lastIndexOf(RAW_LINE);
        if (at < 0 || at >= src.values().size()) {
            return "";
        }
        String raw = src.values().get(at);
        return raw == null ? "" : raw;
    }

    /**
     * One source file's rejected rows of one batch. Rows arrive in the order their records finish (with parallel
     * delivery not the file's order) and are written in row order when the batch closes: up to {@code chunkRows} rows
     * are kept in memory; a full chunk is sorted by row and spilled to an owner-only temporary run file, and at close
     * the runs are merged (an external merge sort, so memory stays bounded however many rows a file has).
     */
    private static final class RejectedCsv {
        /** At most this many run files are open at once: when more pile up, they are merged into one first. */
        private static final int MAX_RUNS = 64;

        final Path day;
        final Path target;
        final List<String> header;
        final List<Integer> keep = new ArrayList<>();
        final int chunkRows;
        final List<Row> chunk = new ArrayList<>();
        final List<Path> runs = new ArrayList<>();
        long arrivals;
        /** Whether some row has the {@code raw_line} cell: then every row gets that column. */
        boolean withRaw;

        RejectedCsv(Path day, String sourceName, List<String> header, boolean withRaw, int chunkRows)
                throws IOException {
            this.day = day;
            this.withRaw = withRaw;
            this.chunkRows = chunkRows;
            String stem = sourceName.replaceAll("(?i)\\.csv$", "");
            Path candidate = day.resolve(safe(stem) + ".rejected.csv");
            for (int n = 2; Files.exists(candidate); n++) {
                candidate = day.resolve(safe(stem) + "-" + n + ".rejected.csv");
            }
            this.target = candidate;
            List<String> out = new ArrayList<>();
            for (int i = 0; i < header.size(); i++) {
                // a file dropped back carries the error columns already: replace them, do not add a second pair
                String name = header.get(i).trim().toLowerCase(Locale.ROOT);
                if (!ERROR_COLUMNS.contains(name) && !RAW_LINE.equals(name)) {
                    keep.add(i);
                    out.add(header.get(i));
                }
            }
            out.replaceAll(DeadLetterWriter::formulaSafe);
            out.addAll(ERROR_COLUMNS);
            this.header = out;
        }

        synchronized void append(Source src, ParticipantUpdate u, DeliveryOutcome outcome) throws IOException {
            List<String> row = new ArrayList<>();
            for (int i : keep) {
                row.add(i < src.values().size() ? mask(src.values().get(i), src.header().get(i), u) : "");
            }
            String message = outcome.message() == null ? "" : outcome.message();
            if (src.values().size() > src.header().size()) {
                // cells beyond the header would shift the error columns: keep them in the message instead
                message += " (extra cells: "
                        + String.join(" | ", src.values().subList(src.header().size(), src.values().size())
                                .stream().map(v -> mask(v, null, u)).toList())
                        + ")";
            }
            row.add(outcome.category());
            row.add(Redaction.redact(message, u));
            row.replaceAll(DeadLetterWriter::formulaSafe);
            String raw = formulaSafe(rawLine(src));
            if (!raw.isEmpty()) {
                withRaw = true;
            }
            chunk.add(new Row(src.row(), arrivals++, row, raw));
            if (chunk.size() >= chunkRows) {
                spill();
            }
        }

        /** Sorts the rows in memory by row and writes them to a new run file. */
        private void spill() throws IOException {
            chunk.sort(null);
            Path run = newRun();
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(run)))) {
                for (Row r : chunk) {
                    r.writeTo(out);
                }
            }
            chunk.clear();
            runs.add(run);
            if (runs.size() >= MAX_RUNS) {
                Path merged = newRun();
                try (DataOutputStream out = new DataOutputStream(
                        new BufferedOutputStream(Files.newOutputStream(merged)))) {
                    merge(runs, r -> r.writeTo(out));
                }
                deleteRuns();
                runs.add(merged);
            }
        }

        private Path newRun() throws IOException {
            return SecureFiles.createFile(day.resolve("." + target.getFileName() + "." + UUID.randomUUID()
                    + ".run.tmp"));
        }

        synchronized Path finish() throws IOException {
            Path tmp = day.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
            SecureFiles.createFile(tmp);
            try {
                CSVFormat format = CSVFormat.DEFAULT.builder().setRecordSeparator("\n").get();
                try (CSVPrinter printer = new CSVPrinter(Files.newBufferedWriter(tmp, StandardCharsets.UTF_8),
                        format)) {
                    List<String> head = new ArrayList<>(header);
                    if (withRaw) {
                        head.add(RAW_LINE);
                    }
                    printer.printRecord(head);
                    RowSink print = r -> {
                        if (withRaw) {
                            List<String> cells = new ArrayList<>(r.cells());
                            cells.add(r.raw());
                            printer.printRecord(cells);
                        } else {
                            printer.printRecord(r.cells());
                        }
                    };
                    if (runs.isEmpty()) {
                        chunk.sort(null);
                        for (Row r : chunk) {
                            print.accept(r);
                        }
                    } else {
                        if (!chunk.isEmpty()) {
                            spill();
                        }
                        merge(runs, print);
                    }
                }
                SecureFiles.moveAtomically(tmp, target);
                return target;
            } finally {
                chunk.clear();
                deleteRuns();
                Files.deleteIfExists(tmp);
            }
        }

        private void deleteRuns() throws IOException {
            for (Path run : runs) {
                Files.deleteIfExists(run);
            }
            runs.clear();
        }

        /** Merges sorted run files into {@code sink}, in row order. */
        private static void merge(List<Path> files, RowSink sink) throws IOException {
            List<DataInputStream> ins = new ArrayList<>();
            try {
                PriorityQueue<Map.Entry<Row, DataInputStream>> heads = new PriorityQueue<>(
                        Map.Entry.comparingByKey());
                for (Path f : files) {
                    DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(f)));
                    ins.add(in);
                    Row first = Row.readFrom(in);
                    if (first != null) {
                        heads.add(Map.entry(first, in));
                    }
                }
                while (!heads.isEmpty()) {
                    var head = heads.poll();
                    sink.accept(head.getKey());
                    Row next = Row.readFrom(head.getValue());
                    if (next != null) {
                        heads.add(Map.entry(next, head.getValue()));
                    }
                }
            } finally {
                for (DataInputStream in : ins) {
                    in.close();
                }
            }
        }
    }

    @FunctionalInterface
    private interface RowSink {
        void accept(Row row) throws IOException;
    }

    /** One rejected row: its row number in the file, its arrival (to keep ties stable), its cells and raw text. */
    private record Row(long row, long arrival, List<String> cells, String raw) implements Comparable<Row> {

        @Override
        public int compareTo(Row o) {
            int c = Long.compare(row, o.row);
            return c != 0 ? c : Long.compare(arrival, o.arrival);
        }

        void writeTo(DataOutputStream out) throws IOException {
            out.writeLong(row);
            out.writeLong(arrival);
            out.writeInt(cells.size());
            for (String c : cells) {
                writeString(out, c);
            }
            writeString(out, raw);
        }

        /** The next row of a run, or null at its end. */
        static Row readFrom(DataInputStream in) throws IOException {
            long row;
            try {
                row = in.readLong();
            } catch (EOFException end) {
                return null;
            }
            long arrival = in.readLong();
            int n = in.readInt();
            List<String> cells = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                cells.add(readString(in));
            }
            return new Row(row, arrival, cells, readString(in));
        }

        private static void writeString(DataOutputStream out, String s) throws IOException {
            byte[] b = (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
            out.writeInt(b.length);
            out.write(b);
        }

        private static String readString(DataInputStream in) throws IOException {
            byte[] b = new byte[in.readInt()];
            in.readFully(b);
            return new String(b, StandardCharsets.UTF_8);
        }
    }
}
