package io.participantsync.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.participantsync.deadletter.SecureFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP batches accepted and not finished yet, kept on disk ({@code <data.dir>/http-batches}, owner-only) so a
 * crash after the {@code 202} loses none: the body is written before the answer, the batch is resumed at the next
 * startup, and both files go once the batch's report is stored. Each batch is a {@code <id>.body} (the request body
 * as received) and a {@code <id>.json} (request id, media type, records, when), the latter written last: a body
 * without it was never answered {@code 202} and is dropped.
 */
public final class AcceptedBatches {

    private static final Logger LOG = LoggerFactory.getLogger(AcceptedBatches.class);
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9._-]{1,100}");

    private final Path dir;
    private final ObjectMapper json = new ObjectMapper();

    public AcceptedBatches(Path dir) {
        this.dir = dir;
    }

    /** One accepted batch waiting for its outcome. */
    public record Accepted(String batchId, String requestId, String mediaType, long received, Instant acceptedAt) {
    }

    /** Keeps the body of a batch about to be answered {@code 202}; returns once both files are on disk. */
    public void save(Accepted batch, byte[] body) {
        String id = checked(batch.batchId());
        try {
            SecureFiles.writeAtomically(dir.resolve(id + ".body"), out -> out.write(body));
            ObjectNode meta = json.createObjectNode();
            meta.put("batch_id", batch.batchId());
            meta.put("request_id", batch.requestId());
            meta.put("media_type", batch.mediaType());
            meta.put("received", batch.received());
            meta.put("accepted_at", batch.acceptedAt().toString());
            SecureFiles.writeAtomically(dir.resolve(id + ".json"), out -> json.writeValue(out, meta));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the body of batch " + id, e);
        }
    }

    /** Every accepted batch still on disk, oldest first. */
    public List<Accepted> pending() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Accepted> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
            for (Path f : files) {
                try {
                    JsonNode meta = json.readTree(f.toFile());
                    Accepted a = new Accepted(meta.path("batch_id").asText(), meta.path("request_id").asText(),
                            meta.path("media_type").asText(), meta.path("received").asLong(),
                            Instant.parse(meta.path("accepted_at").asText()));
                    if (SAFE_ID.matcher(a.batchId()).matches() && Files.isRegularFile(bodyFile(a.batchId()))) {
                        out.add(a);
                    }
                } catch (IOException | RuntimeException e) {
                    LOG.warn("cannot read accepted batch {}: {}", f.getFileName(), e.toString());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        out.sort(Comparator.comparing(Accepted::acceptedAt));
        return out;
    }

    /**
     * Deletes bodies without their marker (a crash between the two writes: never answered {@code 202}) last
     * changed before {@code before}; newer ones may belong to a request being accepted right now.
     */
    public void dropUnanswered(Instant before) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.body")) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                Path marker = dir.resolve(name.substring(0, name.length() - ".body".length()) + ".json");
                if (!Files.exists(marker) && Files.getLastModifiedTime(f).toInstant().isBefore(before)) {
                    Files.deleteIfExists(f);
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot clean {}: {}", dir, e.toString());
        }
    }

    public byte[] body(String batchId) {
        try {
            return Files.readAllBytes(bodyFile(checked(batchId)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the body of batch " + batchId, e);
        }
    }

    public boolean contains(String batchId) {
        return SAFE_ID.matcher(batchId).matches() && Files.exists(dir.resolve(batchId + ".json"));
    }

    /** Forgets a finished batch: the marker first, so a crash in between leaves a body that is ignored. */
    public void release(String batchId) {
        if (!SAFE_ID.matcher(batchId).matches()) {
            return;
        }
        try {
            Files.deleteIfExists(dir.resolve(batchId + ".json"));
            Files.deleteIfExists(bodyFile(batchId));
        } catch (IOException e) {
            LOG.warn("cannot delete the files of finished batch {}: {}", batchId, e.toString());
        }
    }

    private Path bodyFile(String batchId) {
        return dir.resolve(batchId + ".body");
    }

    private static String checked(String batchId) {
        if (!SAFE_ID.matcher(batchId).matches()) {
            throw new IllegalArgumentException("not a batch id: " + batchId);
        }
        return batchId;
    }
}
