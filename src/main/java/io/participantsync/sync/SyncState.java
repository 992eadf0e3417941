package io.participantsync.sync;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.participantsync.core.ChangeDetector;
import io.participantsync.core.OutcomeListener;
import io.participantsync.model.CanonicalFields;
import io.participantsync.model.DeliveryOutcome;
import io.participantsync.model.Outcome;
import io.participantsync.model.ParticipantUpdate;
import io.participantsync.provider.Connection;
import io.participantsync.state.BatchHistory;
import io.participantsync.state.StateStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * Change detection of scheduled sync jobs. After a sync-job record is {@code updated}, the SHA-256 of its mapped
 * fields is kept in the state store, keyed by connection and participant locator; a later sync-job record whose
 * fields hash the same is already applied, so the {@link io.participantsync.core.Dispatcher} plans it unchanged and
 * nothing is called. A record that failed or was rejected leaves no hash (or the previous one), so it is sent again
 * on the next run. Records of other inputs (CSV, HTTP, queues) are neither looked at nor remembered.
 */
public final class SyncState implements ChangeDetector, OutcomeListener {

    /**
     * Locator fields in the order they name a participant (contract, party, participant...): the five standard
     * providers', in the order stored keys were made with; other registered locators follow by name.
     */
    static final List<String> LOCATOR_ORDER = List.of(CanonicalFields.CONTRACT_ID, CanonicalFields.PARTY_ID,
            CanonicalFields.PARTICIPANT_ID, CanonicalFields.AGREEMENT_ID, CanonicalFields.PACKAGE_ID,
            CanonicalFields.WORKFLOW_ORDER, CanonicalFields.REQUEST_ID, CanonicalFields.ORGANIZATION,
            CanonicalFields.ORGNAME, CanonicalFields.CURRENT_EMAIL);
    /** The state store's locator_key column width. */
    private static final int MAX_LOCATOR_KEY = 1000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final StateStore store;

    public SyncState(StateStore store) {
        this.store = store;
    }

    @Override
    public boolean alreadyApplied(ParticipantUpdate update, Connection connection) {
        if (!isSyncJob(update)) {
            return false;
        }
        String hash = fieldsHash(update);
        return store.syncHash(connection.name(), locatorKey(update)).map(hash::equals).orElse(false);
    }

    /** The outcome hook: remembers what an {@code updated} sync-job record applied. */
    @Override
    public void onOutcome(DeliveryOutcome outcome) {
        ParticipantUpdate update = outcome.update();
        if (outcome.outcome() == Outcome.UPDATED && update != null && isSyncJob(update)
                && outcome.connection() != null) {
            store.putSyncHash(outcome.connection(), locatorKey(update), fieldsHash(update));
        }
    }

    /**
     * Names the participant: its locator fields in a fixed order, e.g. {@code contract_id=1|party_id=2|
     * participant_id=3} ('|' and '\' in values escaped), then the locators of providers registered beyond those of
     * {@link #LOCATOR_ORDER}, by name (stored keys stay as they were). A key longer than the column is replaced by
     * its SHA-256.
     */
    public static String locatorKey(ParticipantUpdate update) {
        StringJoiner key = new StringJoiner("|");
        for (String field : LOCATOR_ORDER) {
            add(key, field, update.get(field));
        }
        CanonicalFields.LOCATORS.stream().filter(f -> !LOCATOR_ORDER.contains(f)).sorted()
                .forEach(f -> add(key, f, update.get(f)));
        String k = key.toString();
        return k.length() <= MAX_LOCATOR_KEY ? k : "sha256:" + sha256(k);
    }

    private static void add(StringJoiner key, String field, String value) {
        if (value != null) {
            key.add(field + "=" + value.replace("\\", "\\\\").replace("|", "\\|"));
        }
    }

    /** SHA-256 (hex) of the record's mapped fields, sorted by name; provider and connection are not fields. */
    public static String fieldsHash(ParticipantUpdate update) {
        Map<String, String> sorted = new TreeMap<>(update.fields());
        try {
            return sha256(JSON.writeValueAsString(sorted));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean isSyncJob(ParticipantUpdate update) {
        return update.source() != null && BatchHistory.SYNC_JOB.equals(update.source().kind());
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
