package io.participantsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.participantsync.model.DeliveryOutcome;
import io.participantsync.model.Outcome;
import io.participantsync.model.ParticipantUpdate;
import io.participantsync.model.Source;
import io.participantsync.provider.Connection;
import io.participantsync.state.StateStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Change detection: the locator key, the fields hash, and which records and outcomes it looks at. */
class SyncStateTest {

    private static final Connection ONEFLOW = new Connection("oneflow", "oneflow", Map.of("provider", "oneflow"));

    @TempDir
    Path dir;

    private StateStore store;
    private SyncState state;

    @BeforeEach
    void open() {
        store = StateStore.open("jdbc:h2:file:" + dir.resolve("state"), null, null, 2, Clock.systemUTC());
        state = new SyncState(store);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static ParticipantUpdate update(String kind, String name) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("participant_id", "3");
        f.put("name", name);
        f.put("party_id", "2");
        f.put("contract_id", "1");
        return ParticipantUpdate.of("oneflow", null, f, Source.of(kind, "crm", 1));
    }

    private static DeliveryOutcome outcome(ParticipantUpdate u, Outcome o) {
        return new DeliveryOutcome(u, "oneflow", o, null, null, null, 1, Instant.now(), Instant.now());
    }

    @Test
    void givenOneflowRecord_whenLocatorKey_thenContractPartyParticipantInThatOrder() {
        assertThat(SyncState.locatorKey(update("sync-job", "Anna"))).isEqualTo("contract_id=1|party_id=2|participant_id=3");
    }

    @Test
    void givenValueWithSeparator_whenLocatorKey_thenEscaped() {
        ParticipantUpdate u = ParticipantUpdate.of("zoho", null, Map.of("organization", "A|B",
                "current_email", "x@example.com"), Source.of("sync-job", "crm", 1));

        assertThat(SyncState.locatorKey(u)).isEqualTo("organization=A\\|B|current_email=x@example.com");
    }

    @Test
    void givenSameFieldsInAnotherOrder_whenHashed_thenSameHashAndAnotherValueChangesIt() {
        ParticipantUpdate a = update("sync-job", "Anna");
        ParticipantUpdate b = ParticipantUpdate.of("oneflow", "oneflow", Map.of("contract_id", "1", "party_id", "2",
                "participant_id", "3", "name", "Anna"), Source.of("sync-job", "other", 7));

        assertThat(SyncState.fieldsHash(a)).isEqualTo(SyncState.fieldsHash(b)).hasSize(64);
        assertThat(SyncState.fieldsHash(update("sync-job", "Anne"))).isNotEqualTo(SyncState.fieldsHash(a));
    }

    @Test
    void givenUpdatedSyncJobRecord_whenSameRecordAgain_thenAlreadyAppliedButNotAChangedOne() {
        state.onOutcome(outcome(update("sync-job", "Anna"), Outcome.UPDATED));

        assertThat(state.alreadyApplied(update("sync-job", "Anna"), ONEFLOW)).isTrue();
        assertThat(state.alreadyApplied(update("sync-job", "Anne"), ONEFLOW)).isFalse();
        assertThat(state.alreadyApplied(update("sync-job", "Anna"),
                new Connection("oneflow-2", "oneflow", Map.of()))).isFalse();
    }

    @Test
    void givenFailedOrRejectedOutcome_whenRecorded_thenNothingRemembered() {
        state.onOutcome(outcome(update("sync-job", "Anna"), Outcome.FAILED));
        state.onOutcome(outcome(update("sync-job", "Anna"), Outcome.REJECTED));

        assertThat(store.syncHash("oneflow", "contract_id=1|party_id=2|participant_id=3")).isEmpty();
        assertThat(state.alreadyApplied(update("sync-job", "Anna"), ONEFLOW)).isFalse();
    }

    @Test
    void givenCsvRecord_whenUpdatedThenSeenAgain_thenNeitherRememberedNorSkipped() {
        state.onOutcome(outcome(update("csv", "Anna"), Outcome.UPDATED));
        assertThat(store.syncHash("oneflow", "contract_id=1|party_id=2|participant_id=3")).isEmpty();

        state.onOutcome(outcome(update("sync-job", "Anna"), Outcome.UPDATED));
        assertThat(state.alreadyApplied(update("csv", "Anna"), ONEFLOW)).isFalse();
    }
}
