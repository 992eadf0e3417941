package io.participantsync.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.participantsync.support.MutableClock;
import io.participantsync.support.Postgres;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The state store on embedded H2 and on the real PostgreSQL server: batches, idempotency keys, sync hashes, locks. */
class StateStoreIT {

    @TempDir
    static Path dir;

    static Stream<String> databases() {
        return Stream.of("h2", "postgresql");
    }

    private static StateStore open(String db, MutableClock clock) {
        String url = db.equals("h2") ? "jdbc:h2:file:" + dir.resolve("state-" + System.nanoTime()) : Postgres.freshSchemaUrl();
        return StateStore.open(url, db.equals("h2") ? null : Postgres.USER, null, 4, clock);
    }

    @ParameterizedTest
    @MethodSource("databases")
    void givenBatch_whenStartedAndCompleted_thenFoundWithCountsAndReport(String db) {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
        try (StateStore store = open(db, clock)) {
            assertThat(store.ping()).isTrue();
            store.batchStarted("b1", "http", "request-1", null);
            assertThat(store.findBatch("b1")).get().extracting(StoredBatch::status).isEqualTo(StoredBatch.RUNNING);

            store.batchFinished("b1", StoredBatch.COMPLETED, clock.instant().plusSeconds(2), 5, 2, 1, 1, 1,
                    "{\"counts\":{}}");

            StoredBatch b = store.findBatch("b1").orElseThrow();
            assertThat(b.status()).isEqualTo(StoredBatch.COMPLETED);
            assertThat(List.of(b.received(), b.updated(), b.unchanged(), b.rejected(), b.failed()))
                    .containsExactly(5L, 2L, 1L, 1L, 1L);
            assertThat(b.reportJson()).isEqualTo("{\"counts\":{}}");
            assertThat(b.finishedAt()).isEqualTo(Instant.parse("2026-11-23T10:00:02Z"));
            assertThat(store.findBatch("nope")).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void givenJobRuns_whenListed_thenNewestFirstAndOnlyThatJob(String db) {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
        try (StateStore store = open(db, clock)) {
            store.batchStarted("r1", "sync-job", "crm", "crm");
            clock.advance(Duration.ofMinutes(1));
            store.batchStarted("r2", "sync-job", "crm", "crm");
            store.batchStarted("x", "sync-job", "other", "other");

            assertThat(store.jobRuns("crm", 10)).extracting(StoredBatch::batchId).containsExactly("r2", "r1");
            assertThat(store.jobRuns("crm", 1)).extracting(StoredBatch::batchId).containsExactly("r2");
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void givenIdempotencyKey_whenClaimedTwice_thenSecondSeesFirstBatchAndBodyHash(String db) {
        try (StateStore store = open(db, new MutableClock(Instant.now()))) {
            assertThat(store.claimIdempotencyKey("k1", "sha-a", "batch-1")).isEmpty();

            Optional<StateStore.IdempotencyClaim> again = store.claimIdempotencyKey("k1", "sha-b", "batch-2");

            assertThat(again).get().extracting(StateStore.IdempotencyClaim::batchId).isEqualTo("batch-1");
            assertThat(again.get().bodySha256()).isEqualTo("sha-a");
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void givenSyncHash_whenPutAndReplaced_thenLatestRead(String db) {
        try (StateStore store = open(db, new MutableClock(Instant.now()))) {
            assertThat(store.syncHash("zoho", "org|a@x.com")).isEmpty();
            store.putSyncHash("zoho", "org|a@x.com", "h1");
            store.putSyncHash("zoho", "org|a@x.com", "h2");
            store.putSyncHash("zoho-eu", "org|a@x.com", "h3");

            assertThat(store.syncHash("zoho", "org|a@x.com")).contains("h2");
            assertThat(store.syncHash("zoho-eu", "org|a@x.com")).contains("h3");
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void givenJobLock_whenHeld_thenOthersRefusedUntilReleasedOrExpired(String db) {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
        try (StateStore store = open(db, clock)) {
            assertThat(store.tryLock("crm", "a", Duration.ofMinutes(5))).isTrue();
            assertThat(store.tryLock("crm", "b", Duration.ofMinutes(5))).isFalse();
            assertThat(store.tryLock("crm", "a", Duration.ofMinutes(5))).as("re-entrant for its owner").isTrue();

            store.unlock("crm", "a");
            assertThat(store.tryLock("crm", "b", Duration.ofMinutes(5))).isTrue();

            clock.advance(Duration.ofMinutes(6));
            assertThat(store.tryLock("crm", "c", Duration.ofMinutes(5))).as("expired lock").isTrue();
            assertThat(store.tryLock("crm", "b", Duration.ofMinutes(5))).isFalse();
        }
    }
}
