package io.participantsync.queue;

import io.participantsync.model.CanonicalFields;
import io.participantsync.model.ParticipantUpdate;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Kafka record key producers should use for a participant update: the connection (or the provider when no
 * connection is named) and the locator fields present, in a fixed order, e.g.
 * {@code oneflow|contract_id=100101|party_id=200101|participant_id=300101}. Kafka sends equal keys to the same
 * partition, and the edge processes a partition in order, so one participant's updates are applied in the order they
 * were published. Evia Sign and Zoho find a participant by its current email: after an email change the next update
 * names the new email and so has a new key; a producer that needs order across such changes keys by a stable id of
 * its own instead (any key that is the same for every update of one participant keeps them in order).
 */
public final class KafkaKeys {

    /** Locator fields in key order (the five standard providers'; other registered locators follow by name). */
    public static final List<String> LOCATOR_ORDER = List.of(CanonicalFields.CONTRACT_ID, CanonicalFields.PARTY_ID,
            CanonicalFields.PARTICIPANT_ID, CanonicalFields.AGREEMENT_ID, CanonicalFields.PACKAGE_ID,
            CanonicalFields.WORKFLOW_ORDER, CanonicalFields.REQUEST_ID, CanonicalFields.ORGANIZATION,
            CanonicalFields.ORGNAME, CanonicalFields.CURRENT_EMAIL);

    private KafkaKeys() {
    }

    /** The key of a canonical record. */
    public static String of(ParticipantUpdate update) {
        return key(update.connection(), update.provider(), update.fields());
    }

    /**
     * The key of a record given as canonical name → value (as in the JSON message), with {@code provider} and
     * {@code connection} among them.
     */
    public static String of(Map<String, String> record) {
        return key(record.get(CanonicalFields.CONNECTION), record.get(CanonicalFields.PROVIDER), record);
    }

    private static String key(String connection, String provider, Map<String, String> fields) {
        StringBuilder key = new StringBuilder();
        if (connection != null && !connection.isBlank()) {
            key.append(connection.trim());
        } else if (provider != null && !provider.isBlank()) {
            key.append(provider.trim().toLowerCase(Locale.ROOT));
        }
        for (String field : LOCATOR_ORDER) {
            append(key, field, fields.get(field));
        }
        // the locators of providers registered beyond the five, by name
        CanonicalFields.LOCATORS.stream().filter(f -> !LOCATOR_ORDER.contains(f)).sorted()
                .forEach(f -> append(key, f, fields.get(f)));
        return key.toString();
    }

    private static void append(StringBuilder key, String field, String v) {
        if (v != null && !v.isBlank()) {
            String value = v.trim();
            if (CanonicalFields.CURRENT_EMAIL.equals(field)) {
                // emails match case-insensitively at the providers
                value = value.toLowerCase(Locale.ROOT);
            }
            key.append('|').append(field).append('=').append(value);
        }
    }
}
