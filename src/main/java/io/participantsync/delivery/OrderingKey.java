package io.participantsync.delivery;

import io.participantsync.config.Connections;
import io.participantsync.model.CanonicalFields;
import io.participantsync.model.ParticipantUpdate;
import java.util.List;
import java.util.Locale;

/**
 * Which participant a record updates, as a string the delivery lanes order by: the connection plus the provider's
 * locator fields. {@code after} is the key the same participant has once this update is applied, when the update
 * changes the locator itself (Evia Sign and Zoho find a participant by its current email): a later record that
 * names the new email then queues behind this one.
 * <p>
 * SigningHub participants are keyed by package: their locator is a position in the package's workflow, which
 * moves when a signing order changes, so updates within one package keep their order.
 */
public record OrderingKey(String key, String after) {

    /** The key of {@code update}; records that cannot be resolved are keyed by what they say (they make no call). */
    public static OrderingKey of(ParticipantUpdate update, Connections connections) {
        String provider = update.provider() == null ? "" : update.provider().trim().toLowerCase(Locale.ROOT);
        String connection = update.connection();
        if (connection == null && !provider.isEmpty() && connections != null) {
            Connections.Resolution r = connections.resolve(provider, null);
            connection = r.connection() == null ? null : r.connection().name();
        }
        String prefix = provider + "|" + (connection == null ? "" : connection) + "|";
        switch (provider) {
            case "oneflow":
                return new OrderingKey(prefix + join(update, CanonicalFields.CONTRACT_ID, CanonicalFields.PARTY_ID,
                        CanonicalFields.PARTICIPANT_ID), null);
            case "zigned":
                return new OrderingKey(prefix + join(update, CanonicalFields.AGREEMENT_ID,
                        CanonicalFields.PARTICIPANT_ID), null);
            case "signinghub":
                return new OrderingKey(prefix + join(update, CanonicalFields.PACKAGE_ID), null);
            case "eviasign":
                return byEmail(update, prefix + join(update, CanonicalFields.REQUEST_ID) + "|");
            case "zoho":
                return byEmail(update, prefix + join(update, CanonicalFields.ORGANIZATION) + "|");
            default:
                return new OrderingKey(prefix + join(update, CanonicalFields.LOCATORS.stream().sorted()
                        .toArray(String[]::new)), null);
        }
    }

    private static OrderingKey byEmail(ParticipantUpdate update, String prefix) {
        String current = email(update.get(CanonicalFields.CURRENT_EMAIL));
        String next = email(update.get(CanonicalFields.EMAIL));
        String after = next.isEmpty() || next.equals(current) ? null : prefix + next;
        return new OrderingKey(prefix + current, after);
    }

    private static String email(String value) {
        return value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    }

    private static String join(ParticipantUpdate update, String... fields) {
        StringBuilder b = new StringBuilder();
        for (String f : fields) {
            String v = update.get(f);
            b.append(v == null ? "" : v.trim()).append('|');
        }
        return b.toString();
    }

    /** The keys this record holds while it waits or runs. */
    List<String> held() {
        return after == null ? List.of(key) : List.of(key, after);
    }
}
