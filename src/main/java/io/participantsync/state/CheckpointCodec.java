package io.participantsync.state;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.participantsync.core.Checkpoint;
import io.participantsync.model.Outcome;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The text of a checkpoint piece (column {@code checkpoint_piece.checkpoints}): the checkpoints of one source, as a
 * JSON array with one array per checkpoint, its fields in a fixed order ({@code [row, outcome, connection, category,
 * message, http_status, provider_code, provider_message, attempts, dead_letter, batch_id, recorded_at]}). The source
 * id is the piece's, not repeated. {@code outcome} is {@value #SENDING} for a write-ahead mark (the row's call may go
 * out; its outcome comes in a later piece). Texts are cut to the lengths the row-per-checkpoint table had.
 */
public final class CheckpointCodec {

    /** The outcome label of a write-ahead mark. */
    public static final String SENDING = "sending";

    /** Longest message and provider message kept. */
    static final int MAX_TEXT = 4000;

    private static final JsonFactory JSON = new JsonFactory();

    private CheckpointCodec() {
    }

    /** Encodes {@code checkpoints} (all of one source) as one piece's text. */
    public static String encode(List<Checkpoint> checkpoints) {
        StringWriter out = new StringWriter(64 + 96 * checkpoints.size());
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartArray();
            for (Checkpoint cp : checkpoints) {
                g.writeStartArray();
                g.writeNumber(cp.row());
                g.writeString(cp.inDoubt() ? SENDING : cp.outcome().label());
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
    public static List<Checkpoint> decode(String sourceId, String text) {
        List<Checkpoint> out = new ArrayList<>();
        try (JsonParser p = JSON.createParser(text)) {
            expect(p.nextToken(), JsonToken.START_ARRAY);
            while (p.nextToken() == JsonToken.START_ARRAY) {
                long row = number(p);
                String label = string(p);
                Outcome outcome = SENDING.equals(label) ? null : Outcome.valueOf(label.toUpperCase(Locale.ROOT));
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
                        providerMessage, attempts, deadLetter, batchId, at, outcome == null));
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
