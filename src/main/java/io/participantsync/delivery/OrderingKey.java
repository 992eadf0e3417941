package io.participantsync.delivery;

import io.participantsync.config.Connections;
import io.participantsync.model.CanonicalFields;
import io.participantsync.model.ParticipantUpdate;
import io.participantsync.provider.ParticipantKey;
import io.participantsync.provider.ProviderAdapter;
import io.participantsync.provider.ProviderRegistry;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which participant a record updates, as a string its turns are ordered by: the provider and connection, then the
 * participant as its provider identifies it ({@link ProviderAdapter#participantKey}). {@code after} is the key the
 * same participant has once this update is applied, when the update changes the identity itself (Evia Sign and Zoho
 * find a participant by its current email): a later record that names the new email then queues behind this one.
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
        // ---- the provider's part: its adapter says which participant (see ProviderAdapter.participantKey)
        Optional<ProviderAdapter> adapter = (connections != null ? connections.providers()
                : ProviderRegistry.standardDefaults()).find(provider);
        ParticipantKey participant = adapter.isPresent() ? adapter.get().participantKey(update)
                : ParticipantKey.of(update, CanonicalFields.LOCATORS.stream().sorted().toList());
        return new OrderingKey(prefix + participant.key(),
                participant.after() == null ? null : prefix + participant.after());
    }

    /** The keys this record holds while it waits or runs. */
    List<String> held() {
        return after == null ? List.of(key) : List.of(key, after);
    }
}
