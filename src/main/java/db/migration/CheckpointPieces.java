package db.migration;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.participantsync.core.Checkpoint;
import io.participantsync.model.Outcome;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The checkpoint pieces of migrations V4 and V5 ({@code checkpoint_piece}), for the migrations only: V5 writes them
 * from V3's rows, V6 reads them back into the plain {@code checkpoint} table. A piece's text holds the checkpoints of
 * one source as a JSON array with one array per checkpoint, its fields in a fixed order ({@code [row, outcome,
 * connection, category, message, http_status, provider_code, provider_message, attempts, dead_letter, batch_id,
 * recorded_at]}); a piece covers one bucket of {@value #BUCKET_ROWS} source rows.
 */
final class CheckpointPieces {

    /** Source rows per bucket: a piece never spans two buckets. */
    static final int BUCKET_ROWS = 1024;
    /** Longest text of one piece (the column holds 1,000,000 characters); a longer piece is split. */
    static final int MAX_PIECE_CHARS = 900_000;
    /** Inserts one piece: source number, bucket, row count, newest recorded_at, the checkpoints' text. */
    static final String INSERT_PIECE = "INSERT INTO checkpoint_piece (source_no, bucket, row_count, "
            + "recorded_at, checkpoints) VALUES (?, ?, ?, ?, ?)";

    /** Longest message and provider message kept. */
    static final int MAX_TEXT = 4000;

    private static final JsonFactory JSON = new JsonFactory();

    private CheckpointPieces() {
    }

    /** The bucket of a source row. */
    static long bucket(long row) {
        return Math.floorDiv(row, BUCKET_ROWS);
    }

    /**
     * Adds to the batch of {@code insert} ({@link #INSERT_PIECE}) the checkpoints of one source and bucket: one
     * piece, or several when its text would be longer than {@value #MAX_PIECE_CHARS} characters.
     */
    static void addPieces(PreparedStatement insert, long sourceNo, List<Checkpoint> sameBucket)
            throws SQLException {
        String text = encode(sameBucket);
        if (text.length() > MAX_PIECE_CHARS && sameBucket.size() > 1) {
            int half = sameBucket.size() / 2;
            addPieces(insert, sourceNo, sameBucket.subList(0, half));
            addPieces(insert, sourceNo, sameBucket.subList(half, sameBucket.size()));
            return;
        }
        Instant newest = sameBucket.stream().map(Checkpoint::recordedAt).max(Instant::compareTo).orElseThrow();
        insert.setLong(1, sourceNo);
        insert.setLong(2, bucket(sameBucket.get(0).row()));
        insert.setInt(3, sameBucket.size());
        insert.setTimestamp(4, Timestamp.from(newest));
        insert.setString(5, text);
        insert.addBatch();
    }

    /** Encodes {@code checkpoints} (all of one source) as one piece's text. */
    static String encode(List<Checkpoint> checkpoints) {
        StringWriter out = new StringWriter(64 + 96 * checkpoints.size());
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartArray();
            for (Checkpoint cp : checkpoints) {
                g.writeStartArray();
                g.writeNumber(cp.row());
                g.writeString(cp.outcome().label());
                text(g, cp.connection(), 200);
                text(g, cp.category(), 40);
                text(g, cp.message(), MAX_TEXT);
                g.writeNumber(Math.max(cp.httpStatus(), 0));
                text(g, cp.providerCode(), 200);
                text(g, cp.providerMessage(), MAX_TEXT);
                g.writeNumber(cp.attempts());
                text(g, cp.deadLetter(), 1000);
                text(g, cp.batchId(), 100);
                g.writeString(cp.recordedAt().toString());
                g.writeEndArray();
            }
            g.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** Decodes a piece's text into the checkpoints of {@code sourceId}, in the order they were encoded. */
    static List<Checkpoint> decode(String sourceId, String text) {
        List<Checkpoint> out = new ArrayList<>();
        try (JsonParser p = JSON.createParser(text)) {
            expect(p.nextToken(), JsonToken.START_ARRAY);
            while (p.nextToken() == JsonToken.START_ARRAY) {
                long row = number(p);
                Outcome outcome = Outcome.valueOf(string(p).toUpperCase(Locale.ROOT));
                String connection = string(p);
                String category = string(p);
                String message = string(p);
                int status = (int) number(p);
                String code = string(p);
                String providerMessage = string(p);
                int attempts = (int) number(p);
                String deadLetter = string(p);
                String batchId = string(p);
                Instant at = Instant.parse(string(p));
                expect(p.nextToken(), JsonToken.END_ARRAY);
                out.add(new Checkpoint(sourceId, row, outcome, connection, category, message, status, code,
                        providerMessage, attempts, deadLetter, batchId, at));
            }
            expect(p.currentToken(), JsonToken.END_ARRAY);
        } catch (IOException e) {
            throw new IllegalStateException("a checkpoint piece of " + sourceId + " is not readable: " + e, e);
        }
        return out;
    }

    private static void text(JsonGenerator g, String value, int max) throws IOException {
        if (value == null) {
            g.writeNull();
        } else {
            g.writeString(value.length() > max ? value.substring(0, max - 1) + "…" : value);
        }
    }

    private static long number(JsonParser p) throws IOException {
        expect(p.nextToken(), JsonToken.VALUE_NUMBER_INT);
        return p.getLongValue();
    }

    private static String string(JsonParser p) throws IOException {
        JsonToken t = p.nextToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(t, JsonToken.VALUE_STRING);
        return p.getText();
    }

    private static void expect(JsonToken actual, JsonToken expected) throws IOException {
        if (actual != expected) {
            throw new IOException("expected " + expected + ", found " + actual);
        }
    }
}
