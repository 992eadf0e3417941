package io.participantsync.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The canonical participant update every input is turned into. {@code fields} holds the non-blank canonical values
 * (locators and changes; a field that is absent is left unchanged at the provider), keyed by canonical name.
 * {@code problems} carries what went wrong while reading the input (a wrong column count, an unparseable value),
 * so the record is rejected with that reason instead of being lost.
 */
public record ParticipantUpdate(String provider, String connection, Map<String, String> fields, Source source,
        List<Problem> problems) {

    public ParticipantUpdate {
        provider = blankToNull(provider);
        provider = provider == null ? null : provider.trim().toLowerCase(java.util.Locale.ROOT);
        connection = blankToNull(connection);
        connection = connection == null ? null : connection.trim();
        Map<String, String> copy = new LinkedHashMap<>();
        if (fields != null) {
            fields.forEach((k, v) -> {
                if (v != null && !v.isBlank()) {
                    copy.put(k, v.trim());
                }
            });
        }
        fields = Collections.unmodifiableMap(copy);
        problems = problems == null ? List.of() : List.copyOf(problems);
    }

    public static ParticipantUpdate of(String provider, String connection, Map<String, String> fields, Source source) {
        return new ParticipantUpdate(provider, connection, fields, source, List.of());
    }

    public String get(String field) {
        return fields.get(field);
    }

    public boolean has(String field) {
        return fields.containsKey(field);
    }

    /** The fields with sensitive values replaced by a mask: safe for logs, reports and dead letters. */
    public Map<String, String> maskedFields() {
        Map<String, String> masked = new LinkedHashMap<>();
        fields.forEach((k, v) -> masked.put(k, CanonicalFields.isSensitive(k) ? CanonicalFields.MASK : v));
        return masked;
    }

    /** Never shows a sensitive value. */
    @Override
    public String toString() {
        return "ParticipantUpdate[provider=" + provider + ", connection=" + connection + ", fields=" + maskedFields()
                + ", source=" + source + ", problems=" + problems + "]";
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
