package io.participantsync.provider;

import io.participantsync.model.CanonicalFields;
import io.participantsync.model.ParticipantUpdate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Which participant of a provider a record updates, as the provider identifies it: the part of the delivery core's
 * ordering key after the provider and connection ({@code io.participantsync.delivery.OrderingKey}). Records with
 * equal keys are applied one at a time, in arrival order. {@code after} is the key the same participant has once
 * this update is applied, when the update changes the identity itself (a provider that finds a participant by its
 * current email, and the update sets a new email); {@code null} otherwise.
 */
public record ParticipantKey(String key, String after) {

    /** The values of {@code fields}, in that order, each followed by {@code '|'} (a missing value is empty). */
    public static ParticipantKey of(ParticipantUpdate update, String... fields) {
        return of(update, List.of(fields));
    }

    /** The values of {@code fields}, in their iteration order, each followed by {@code '|'}. */
    public static ParticipantKey of(ParticipantUpdate update, Collection<String> fields) {
        return new ParticipantKey(join(update, fields), null);
    }

    /**
     * A participant found by its current email within a container (Evia Sign's request, Zoho's organisation): the
     * container's {@code fields}, then {@code current_email} lower-cased; {@code after} is the same with the new
     * {@code email} when the update changes it.
     */
    public static ParticipantKey byEmail(ParticipantUpdate update, String... containerFields) {
        String container = join(update, List.of(containerFields)) + "|";
        String current = email(update.get(CanonicalFields.CURRENT_EMAIL));
        String next = email(update.get(CanonicalFields.EMAIL));
        String after = next.isEmpty() || next.equals(current) ? null : container + next;
        return new ParticipantKey(container + current, after);
    }

    private static String email(String value) {
        return value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    }

    private static String join(ParticipantUpdate update, Collection<String> fields) {
        StringBuilder b = new StringBuilder();
        for (String f : fields) {
            String v = update.get(f);
            b.append(v == null ? "" : v.trim()).append('|');
        }
        return b.toString();
    }
}
