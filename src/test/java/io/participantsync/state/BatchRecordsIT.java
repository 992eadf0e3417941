package io.participantsync.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.participantsync.support.MutableClock;
import io.participantsync.support.Postgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The console's queries on embedded H2 and on the real PostgreSQL server: a batch's records stored from its report
 * (file order, outcome filter, keyset pages), the batch list (filters, pages), outcomes per time bucket, the
 * dead-letter list and its one-time replay claim.
 */
class BatchRecordsIT {

    @TempDir
    static Path dir;

    static Stream<String> databases() {
        return Stream.of("h2", "postgresql");
    }

    private static StateStore open(String db, MutableClock clock) {
        String url = db.equals("h2") ? "jdbc:h2:file:" + dir.resolve("state-" + System.nanoTime())
                : Postgres.freshSchemaUrl();
        return StateStore.open(url, db.equals("h2") ? null : Postgres.USER, null, 4, clock);
    }

    /** A report whose rows were recorded out of file order: rows 3, 1, 2, 5, 4 (row 4 rejected, row 5 failed). */
    private static Path report(String name) throws IOException {
        Path f = dir.resolve(name + "-" + System.nanoTime() + ".report.json");
        Files.writeString(f, """
                {"batch_id": "b", "status": "completed", "counts": {"received": 5},
                 "notes": [], "rows": [
                  {"source": "f.csv", "row": 3, "provider": "oneflow", "connection": "oneflow", "outcome": "updated",
                   "attempts": 1, "participant": "contract_id=1, participant_id=3"},
                  {"source": "f.csv", "row": 1, "provider": "oneflow", "connection": "oneflow", "outcome": "updated",
                   "attempts": 1},
                  {"source": "f.csv", "row": 2, "provider": "zigned", "connection": "zigned", "outcome": "unchanged",
                   "attempts": 0},
                  {"source": "f.csv", "row": 5, "provider": "zigned", "connection": "zigned", "outcome": "failed",
                   "http_status": 503, "error_category": "provider", "message": "f.csv row 5: zigned answered 503",
                   "provider_code": "unavailable", "provider_message": "Try later", "attempts": 4,
                   "dead_letter": "dl/2026-11-23/x.deadletters.jsonl#2"},
                  {"source": "f.csv", "row": 4, "provider": "oneflow", "connection": "oneflow", "outcome": "rejected",
                   "error_category": "validation", "message": "f.csv row 4: email: is not an email address",
                   "attempts": 0, "reconciled": true, "verified": false,
                   "dead_letter": "dl/2026-11-23/x.deadletters.jsonl#1"}
                 ]}""", StandardCharsets.UTF_8);
        return f;
    }

    @ParameterizedTest
    @MethodSource("databases")
    void givenAReport_whenStored_thenRecordsInFileOrderPagedAndFilteredByOutcome(String db) throws IOException {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
        try (StateStore store = open(db, clock)) {
            BatchRecords records = new BatchRecords(store.dataSource());
            assertThat(records.storeFromReport("b", report("b"), clock.instant())).isEqualTo(5);

            List<Long> rows = new ArrayList<>();
            String after = null;
            int pages = 0;
            do {
                BatchRecords.Page<BatchRecords.Row> page = records.records("b", null, after, 2);
                page.items().forEach(r -> rows.add(r.row()));
                after = page.next();
                pages++;
            } while (after != null);
            List<BatchRecords.Row> failures = records.records("b", List.of("rejected", "failed"), null, 10).items();

            assertThat(rows).containsExactly(1L, 2L, 3L, 4L, 5L);
            assertThat(pages).isEqualTo(3);
            assertThat(failures).extracting(BatchRecords.Row::row).containsExactly(4L, 5L);
            BatchRecords.Row failed = failures.get(1);
            assertThat(failed.httpStatus()).isEqualTo(503);
            assertThat(failed.providerCode()).isEqualTo("unavailable");
            assertThat(failed.attempts()).isEqualTo(4);
            assertThat(failed.pending()).isTrue();
            assertThat(failures.get(0).verified()).isFalse();
            assertThat(records.records("b", List.of("updated"), null, 10).items().get(1).participant())
                    .isEqualTo("contract_id=1, participant_id=3");

            // a batch resumed after a crash closes again: its records are replaced, not doubled
            assertThat(records.storeFromReport("b", report("b"), clock.instant())).isEqualTo(5);
            assertThat(records.records("b", null, null, 100).items()).hasSize(5);
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void givenDeadLetters_whenListedAndClaimedTwiceAtOnce_thenOneClaimWinsAndItLeavesThePendingList(String db)
            throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
        try (StateStore store = open(db, clock)) {
            BatchRecords records = new BatchRecords(store.dataSource());
            records.storeFromReport("b", report("b"), clock.instant());
            BatchRecords.DeadLetterFilter pending = new BatchRecords.DeadLetterFilter(null, null, null, null, null,
                    null, "pending");

            List<BatchRecords.Row> letters = records.deadLetters(pending, 0, 10).items();
            assertThat(letters).extracting(BatchRecords.Row::row).containsExactly(4L, 5L);
            assertThat(records.deadLetters(new BatchRecords.DeadLetterFilter("zigned", null, null, null, null, null,
                    null), 0, 10).items()).extracting(BatchRecords.Row::row).containsExactly(5L);
            assertThat(records.deadLetters(new BatchRecords.DeadLetterFilter(null, null, "rejected", null, null,
                    "EMAIL ADDRESS", null), 0, 10).items()).extracting(BatchRecords.Row::row).containsExactly(4L);
            assertThat(records.deadLetters(new BatchRecords.DeadLetterFilter(null, null, null, null, null, "50%_",
                    null), 0, 10).items()).isEmpty();
            BatchRecords.Page<BatchRecords.Row> first = records.deadLetters(pending, 0, 1);
            assertThat(records.deadLetters(pending, Long.parseLong(first.next()), 1).items())
                    .extracting(BatchRecords.Row::row).containsExactly(5L);

            long id = letters.get(0).recordNo();
            ExecutorService two = Executors.newFixedThreadPool(2);
            Future<Boolean> a = two.submit(() -> records.claimReplay(id, "replay-a", clock.instant()));
            Future<Boolean> b = two.submit(() -> records.claimReplay(id, "replay-b", clock.instant()));
            List<Boolean> claims = List.of(a.get(), b.get());
            two.shutdown();

            assertThat(claims).containsExactlyInAnyOrder(true, false);
            assertThat(records.deadLetters(pending, 0, 10).items()).extracting(BatchRecords.Row::recordNo)
                    .doesNotContain(id);
            BatchRecords.Row replayed = records.record(id).orElseThrow();
            assertThat(replayed.replayedBy()).isIn("replay-a", "replay-b");
            records.releaseReplay(id, "someone-else");
            assertThat(records.record(id).orElseThrow().pending()).isFalse();
            records.releaseReplay(id, replayed.replayedBy());
            assertThat(records.record(id).orElseThrow().pending()).isTrue();

            records.markReplayed("dl/2026-11-23/x.deadletters.jsonl#2", "cli-replay", clock.instant());
            assertThat(records.deadLetters(pending, 0, 10).items()).extracting(BatchRecords.Row::row)
                    .containsExactly(4L);
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void givenBatches_whenListed_thenFilteredNewestFirstPagedAndCountedPerBucket(String db) {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
        try (StateStore store = open(db, clock)) {
            for (int i = 0; i < 5; i++) {
                store.batchStarted("b" + i, i % 2 == 0 ? "csv" : "jms", "file-" + i + ".csv", null);
                store.batchFinished("b" + i, StoredBatch.COMPLETED, clock.instant().plusSeconds(30), 3, 2, 0,
                        i == 3 ? 1 : 0, 0, null);
                clock.advance(Duration.ofMinutes(1));
            }
            StateStore.BatchFilter all = new StateStore.BatchFilter(null, null, null, null, null);

            assertThat(store.listBatches(all, null, 10)).extracting(StoredBatch::batchId)
                    .containsExactly("b4", "b3", "b2", "b1", "b0");
            assertThat(store.listBatches(new StateStore.BatchFilter("jms", null, null, null, null), null, 10))
                    .extracting(StoredBatch::batchId).containsExactly("b3", "b1");
            assertThat(store.listBatches(new StateStore.BatchFilter(null, "problems", null, null, null), null, 10))
                    .extracting(StoredBatch::batchId).containsExactly("b3");
            assertThat(store.listBatches(new StateStore.BatchFilter(null, null, null, null, "FILE-2"), null, 10))
                    .extracting(StoredBatch::batchId).containsExactly("b2");
            assertThat(store.listBatches(new StateStore.BatchFilter(null, null,
                    Instant.parse("2026-11-23T10:01:00Z"), Instant.parse("2026-11-23T10:03:00Z"), null), null, 10))
                    .extracting(StoredBatch::batchId).containsExactly("b2", "b1");
            List<StoredBatch> first = store.listBatches(all, null, 2);
            assertThat(first).hasSize(3);
            StoredBatch last = first.get(1);
            assertThat(store.listBatches(all, new StateStore.BatchCursor(last.startedAt(), last.batchId()), 2))
                    .extracting(StoredBatch::batchId).containsExactly("b2", "b1", "b0");

            List<long[]> perMinute = store.outcomeBuckets(Instant.parse("2026-11-23T10:00:00Z"),
                    Instant.parse("2026-11-23T11:00:00Z"), 60);
            assertThat(perMinute).hasSize(5);
            assertThat(perMinute.stream().mapToLong(b -> b[1]).sum()).isEqualTo(10);
            assertThat(perMinute.stream().mapToLong(b -> b[3]).sum()).isEqualTo(1);
            assertThat(perMinute.stream().map(b -> Instant.ofEpochSecond(b[0])).toList())
                    .contains(Instant.parse("2026-11-23T10:03:00Z"));
            assertThat(store.outcomeBuckets(Instant.parse("2026-11-23T11:00:00Z"),
                    Instant.parse("2026-11-23T12:00:00Z"), 3600)).isEmpty();
        }
    }
}
