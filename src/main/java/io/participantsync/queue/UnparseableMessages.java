package io.participantsync.queue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.participantsync.deadletter.SecureFiles;
import io.participantsync.model.CanonicalFields;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Dead letters of queue messages that cannot be read as records at all: one owner-only JSON file per message,
 * {@code <dead-letter.dir>/<date>/<kind>-<message id>.json}, written atomically, holding the raw payload (with the
 * values of sensitive fields masked as far as the broken text allows) and the parse error. The name depends only on
 * the message, so a redelivery of the same message replaces its file instead of adding a second one.
 */
public final class UnparseableMessages {

    /** The patterns of a set of sensitive fields. */
    private record SensitivePatterns(Set<String> fields, List<Pattern> patterns) {
    }

    /**
     * A sensitive field's value in JSON-like text: a quoted string or a bare token; made again when a provider
     * registered since brought sensitive fields of its own.
     */
    private static volatile SensitivePatterns sensitiveValues = new SensitivePatterns(Set.of(), List.of());

    private final Path dir;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public UnparseableMessages(Path dir, Clock clock) {
        this.dir = dir;
        this.clock = clock;
    }

    /**
     * Writes the dead letter of one message; returns the file.
     *
     * @param details extra source details shown as they are (queue or topic, partition, offset)
     */
    public Path write(String kind, String messageId, Instant receivedAt, String rawPayload, String error,
            Map<String, Object> details) {
        Path day = dir.resolve(LocalDate.now(clock.withZone(ZoneOffset.UTC)).toString());
        Path file = day.resolve(safe(kind) + "-" + safe(messageId) + ".json");
        ObjectNode root = json.createObjectNode();
        root.put("outcome", "rejected");
        root.put("error_category", "unparseable");
        root.put("error_message", error);
        ObjectNode source = root.putObject("source");
        source.put("kind", kind);
        source.put("name", messageId);
        source.put("received_at", receivedAt.toString());
        details.forEach((k, v) -> source.putPOJO(k, v));
        root.put("dead_lettered_at", clock.instant().toString());
        root.put("raw_payload", maskSensitive(rawPayload));
        try {
            SecureFiles.writeAtomically(file, out -> json.writeValue(out, root));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write dead letter " + file, e);
        }
        return file;
    }

    /** Replaces the values of personal numbers and OTP codes in text that may not be valid JSON. */
    static String maskSensitive(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (Pattern p : sensitivePatterns()) {
            Matcher m = p.matcher(out);
            out = m.replaceAll(r -> Matcher.quoteReplacement(r.group(1) + "\"" + CanonicalFields.MASK + "\""));
        }
        return out;
    }

    private static List<Pattern> sensitivePatterns() {
        Set<String> fields = Set.copyOf(CanonicalFields.SENSITIVE);
        SensitivePatterns known = sensitiveValues;
        if (known.fields().equals(fields)) {
            return known.patterns();
        }
        List<Pattern> patterns = new ArrayList<>();
        for (String field : fields) {
            // field names match like CSV headers: any case, '_' written as space or hyphen too
            String name = field.replace("_", "[ _-]");
            patterns.add(Pattern.compile("(\"" + name + "\"\\s*:\\s*)(\"(?:[^\"\\\\]|\\\\.)*\"?|[^,}\\]\\s]+)",
                    Pattern.CASE_INSENSITIVE));
        }
        sensitiveValues = new SensitivePatterns(fields, List.copyOf(patterns));
        return sensitiveValues.patterns();
    }

    private static String safe(String s) {
        String v = s == null ? "unknown" : s.replaceAll("[^A-Za-z0-9._-]", "_");
        return v.length() > 120 ? v.substring(0, 120) : v;
    }
}
