package io.participantsync.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.participantsync.core.Checkpoint;
import io.participantsync.model.Outcome;
import io.participantsync.support.MutableClock;
import io.participantsync.support.Postgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checkpoints in the state store, on embedded H2 and the real PostgreSQL: write-ahead marks committed before their
 * caller goes on, outcomes standing over marks, group commit in pieces, first outcome stands, and the migrations from
 * every earlier schema.
 */
class CheckpointStoreIT {

    private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");

    @TempDir
    static Path dir;

    static Stream<String> databases() {
        return Stream.of("h2", "postgresql");
    }

    private static StateStore open(String db) {
        String url = url(db);
        return StateStore.open(url, user(db), null, 8, new MutableClock(NOW));
    }

    private static Checkpoint checkpoint(String source, long row, Outcome outcome) {
        return new Checkpoint(source, row, outcome, "oneflow", null, null, 0, null, null, 1, null, "b1", NOW);
    }

    @ParameterizedTest
    @MethodSource("databases")
    void givenManyConcurrentSaves_whenEachReturns_thenItsRowIsCommittedAndCommitsCarrySeveralRows(String db)
            throws Exception {
        try (StateStore store = open(db)) {
            CheckpointStore checkpoints = new CheckpointStore(store);
            int threads = 16;
            int perThread = 100;
            List<List<Long>> missing = concurrently(threads, thread -> {
                List<Long> notThere = new ArrayList<>();
                for (int i = 0; i < perThread; i++) {
                    long row = thread * perThread + i + 1L;
                    checkpoints.save(checkpoint("csv:abc", row, Outcome.UPDATED));
                    // committed once save returns: another connection sees it
                    if (checkpoints.find("csv:abc", row).isEmpty()) {
                        notThere.add(row);
                    }
                }
                return notThere;
            });
            assertThat(missing).allSatisfy(rows -> assertThat(rows).isEmpty());

            assertThat(checkpoints.count("csv:abc")).isEqualTo(threads * perThread);
            assertThat(checkpoints.saves()).isEqualTo(threads * perThread);
            // 16 savers at once: commits carry more than one row each on average
            assertThat(checkpoints.commits()).isLessThan(checkpoints.saves());
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void givenARowSavedTwice_whenSavedWithOthersInOneCommit_thenTheFirstOutcomeStandsAndTheOthersAreSaved(String db)
            throws Exception {
        try (StateStore store = open(db)) {
            CheckpointStore checkpoints = new CheckpointStore(store);
            checkpoints.save(checkpoint("csv:dup", 2, Outcome.UPDATED));
            int threads = 8;
            concurrently(threads, thread -> {
                for (int row = 1; row <= 50; row++) {
                    // every thread saves row 2 again, as failed: the saved "updated" must stand
                    checkpoints.save(checkpoint("csv:dup", row == 2 ? 2 : thread * 100L + row,
                            row == 2 ? Outcome.FAILED : Outcome.UPDATED));
                }
                return null;
            });

            assertThat(checkpoints.find("csv:dup", 2)).get().extracting(Checkpoint::outcome)
                    .isEqualTo(Outcome.UPDATED);
            assertThat(checkpoints.count("csv:dup")).isEqualTo(1 + threads * 49L);
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void givenAFlushInterval_whenSaved_thenSeenAtOnceCommittedWithinTheIntervalAndAllCommittedOnClose(String db)
            throws Exception {
        try (StateStore store = open(db)) {
            CheckpointStore checkpoints = new CheckpointStore(store.dataSource(), Duration.ofMillis(200), 64);
            for (long row = 1; row <= 10; row++) {
                checkpoints.save(checkpoint("http:b1", row, Outcome.UPDATED));
            }
            // not committed yet (one writer, 200 ms), but the store already knows them
            assertThat(checkpoints.find("http:b1", 3)).isPresent();
            assertThat(checkpoints.exists("http:b1")).isTrue();
            CheckpointStore otherProcess = new CheckpointStore(store);
            assertThat(otherProcess.count("http:b1")).isLessThan(10);

            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                    .until(() -> otherProcess.count("http:b1") >= 10);
            assertThat(otherProcess.count("http:b1")).isEqualTo(10);
            assertThat(checkpoints.commits()).isEqualTo(1);

            for (long row = 11; row <= 200; row++) {
                checkpoints.save(checkpoint("http:b1", row, Outcome.UPDATED));
            }
            checkpoints.close();
            assertThat(otherProcess.count("http:b1")).isEqualTo(200);
            // 190 saves with at most 64 uncommitted: flushed early in groups, never one by one
            assertThat(checkpoints.commits()).isBetween(4L, 10L);
            assertThatThrownBy(() -> checkpoints.save(checkpoint("http:b1", 201, Outcome.UPDATED)))
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    /** Runs {@code task(thread)} on {@code threads} threads started together; returns their results. */
    private static <T> List<T> concurrently(int threads, ThreadTask<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    return task.run(thread);
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(60, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdown();
        }
    }

    private interface ThreadTask<T> {
        T run(int thread) throws Exception;
    }

    @ParameterizedTest
    @MethodSource("databases")
    void givenASourceSpanningSeveralDeleteChunks_whenDeleted_thenAllItsRowsGoAndOtherSourcesStay(String db) {
        try (StateStore store = open(db)) {
            CheckpointStore checkpoints = new CheckpointStore(store);
            for (long row : new long[] {1, 9_999, 10_000, 10_001, 20_001, 35_000}) {
                checkpoints.save(checkpoint("sync:big", row, Outcome.UPDATED));
            }
            checkpoints.save(checkpoint("sync:other", 10_000, Outcome.UPDATED));

            assertThat(checkpoints.deleteSource("sync:big")).isEqualTo(6);
            assertThat(checkpoints.count("sync:big")).isZero();
            assertThat(checkpoints.count("sync:other")).isEqualTo(1);
            assertThat(checkpoints.deleteSource("sync:big")).isZero();
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void givenSources_whenAsked_thenOnlyOneWithARowExists(String db) {
        try (StateStore store = open(db)) {
            CheckpointStore checkpoints = new CheckpointStore(store);
            checkpoints.save(checkpoint("sync:one", 1, Outcome.UPDATED));

            assertThat(checkpoints.exists("sync:one")).isTrue();
            assertThat(checkpoints.exists("sync:two")).isFalse();
            checkpoints.deleteSource("sync:one");
            assertThat(checkpoints.exists("sync:one")).isFalse();
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void givenCheckpointsWrittenByV2_whenTheStoreMigrates_thenEachIsFoundUnderItsSourceAndRow(String db)
            throws Exception {
        String url = url(db);
        String user = user(db);
        migrateTo(url, user, "2");
        try (Connection c = DriverManager.getConnection(url, user, null);
                PreparedStatement ps = c.prepareStatement("INSERT INTO checkpoint (source_id, row_no, outcome, "
                        + "connection_name, error_category, message, http_status, attempts, dead_letter, batch_id, "
                        + "recorded_at) VALUES (?, ?, ?, 'zigned', ?, ?, ?, ?, ?, 'b0', ?)")) {
            Object[][] rows = {{"csv:a", 2L, "updated", null, null, 200, 1, null},
                    {"csv:a", 7L, "rejected", "validation", "email: not an address", 0, 0, "dead-letter/a.csv"},
                    {"jms:ID:1", 1L, "failed", "provider_error", "HTTP 500", 500, 3, "dead-letter/m.json"}};
            for (Object[] r : rows) {
                for (int i = 0; i < r.length; i++) {
                    ps.setObject(i + 1, r[i]);
                }
                ps.setTimestamp(9, Timestamp.from(NOW));
                ps.executeUpdate();
            }
        }

        try (StateStore store = StateStore.open(url, user, null, 2, new MutableClock(NOW))) {
            CheckpointStore checkpoints = new CheckpointStore(store);

            Checkpoint rejected = checkpoints.find("csv:a", 7).orElseThrow();
            assertThat(rejected.outcome()).isEqualTo(Outcome.REJECTED);
            assertThat(rejected.category()).isEqualTo("validation");
            assertThat(rejected.message()).isEqualTo("email: not an address");
            assertThat(rejected.deadLetter()).isEqualTo("dead-letter/a.csv");
            assertThat(rejected.batchId()).isEqualTo("b0");
            assertThat(rejected.recordedAt()).isEqualTo(NOW);
            assertThat(checkpoints.find("csv:a", 2).orElseThrow().outcome()).isEqualTo(Outcome.UPDATED);
            assertThat(checkpoints.find("jms:ID:1", 1).orElseThrow().httpStatus()).isEqualTo(500);
            assertThat(checkpoints.find("csv:a", 1)).isEmpty();
            assertThat(checkpoints.count("csv:a")).isEqualTo(2);
            // a source numbered by the migration takes new rows under its number
            checkpoints.save(checkpoint("csv:a", 8, Outcome.UNCHANGED));
            assertThat(checkpoints.count("csv:a")).isEqualTo(3);
            assertThat(checkpoints.deleteSource("csv:a")).isEqualTo(3);
            assertThat(checkpoints.exists("jms:ID:1")).isTrue();
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void givenManySourcesInV3sTable_whenMigratedToPieces_thenEveryRowIsFoundInOnePiecePerSourceAndBucket(String db)
            throws Exception {
        String url = url(db);
        String user = user(db);
        migrateTo(url, user, "3");
        int sources = 700;
        try (Connection c = DriverManager.getConnection(url, user, null);
                PreparedStatement source = c.prepareStatement(
                        "INSERT INTO checkpoint_source (source_no, source_id, created_at) VALUES (?, ?, ?)");
                PreparedStatement row = c.prepareStatement("INSERT INTO checkpoint (source_no, row_no, outcome, "
                        + "connection_name, attempts, batch_id, recorded_at) VALUES (?, ?, ?, 'zoho', 1, 'b3', ?)")) {
            for (int s = 1; s <= sources; s++) {
                source.setLong(1, s);
                source.setString(2, "jms:ID:" + s);
                source.setTimestamp(3, Timestamp.from(NOW));
                source.addBatch();
                // rows 1 and 2000 of each source: two buckets
                for (long r : new long[] {1, 2000}) {
                    row.setLong(1, s);
                    row.setLong(2, r);
                    row.setString(3, s % 2 == 0 ? "updated" : "failed");
                    row.setTimestamp(4, Timestamp.from(NOW));
                    row.addBatch();
                }
            }
            source.executeBatch();
            row.executeBatch();
        }

        try (StateStore store = StateStore.open(url, user, null, 2, new MutableClock(NOW))) {
            assertThat(pieces(url, user)).hasSize(2 * sources).containsOnly(1L);
            CheckpointStore checkpoints = new CheckpointStore(store);
            for (int s : new int[] {1, 2, 499, 500, 501, sources}) {
                for (long r : new long[] {1, 2000}) {
                    assertThat(checkpoints.find("jms:ID:" + s, r)).as("source %d row %d", s, r).get()
                            .extracting(Checkpoint::outcome).isEqualTo(s % 2 == 0 ? Outcome.UPDATED : Outcome.FAILED);
                }
                assertThat(checkpoints.count("jms:ID:" + s)).isEqualTo(2);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void givenCheckpointsPastTheRetention_whenPurged_thenTheyGoAndTheirSourceIsForgottenOnceItHasNoneLeft(String db)
            throws Exception {
        String url = url(db);
        String user = user(db);
        try (StateStore store = StateStore.open(url, user, null, 2, new MutableClock(NOW))) {
            CheckpointStore checkpoints = new CheckpointStore(store);
            Instant old = NOW.minus(Duration.ofHours(30));
            checkpoints.save(recorded("jms:old", 1, old));
            checkpoints.save(recorded("jms:old", 2, old));
            checkpoints.save(recorded("csv:mixed", 1, old));
            checkpoints.save(recorded("csv:mixed", 2, NOW));

            assertThat(checkpoints.purgeOlderThan(NOW.minus(Duration.ofHours(24)))).isEqualTo(3);

            assertThat(checkpoints.exists("jms:old")).isFalse();
            assertThat(checkpoints.find("csv:mixed", 1)).isEmpty();
            assertThat(checkpoints.find("csv:mixed", 2)).isPresent();
            assertThat(sourceIds(url, user)).containsExactly("csv:mixed");
            // a purged source that comes back is numbered afresh
            checkpoints.save(recorded("jms:old", 1, NOW));
            assertThat(checkpoints.find("jms:old", 1)).isPresent();
            assertThat(sourceIds(url, user)).containsExactlyInAnyOrder("csv:mixed", "jms:old");
            checkpoints.deleteSource("csv:mixed");
            assertThat(sourceIds(url, user)).containsExactly("jms:old");
        }
    }

    private static String url(String db) {
        return db.equals("h2") ? "jdbc:h2:file:" + dir.resolve("cp-" + System.nanoTime()) + ";WRITE_DELAY=0"
                : Postgres.freshSchemaUrl();
    }

    /** Runs the store's migrations up to version {@code target} only: a database as an older release left it. */
    private static void migrateTo(String url, String user, String target) {
        Flyway.configure().dataSource(url, user, null).locations("classpath:db/migration").target(target).load()
                .migrate();
    }

    /** The database user: none for H2, the machine's for PostgreSQL. */
    private static String user(String db) {
        return db.equals("h2") ? null : Postgres.USER;
    }

    private static Checkpoint recorded(String source, long row, Instant at) {
        return new Checkpoint(source, row, Outcome.UPDATED, "oneflow", null, null, 0, null, null, 1, null, "b1", at);
    }

    private static List<String> sourceIds(String url, String user) throws SQLException {
        return column(url, user, "SELECT source_id FROM checkpoint_source", String.class);
    }

    /** The values of a one-column query, read over a connection of its own. */
    private static <T> List<T> column(String url, String user, String sql, Class<T> type) throws SQLException {
        List<T> values = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, user, null);
                PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                values.add(rs.getObject(1, type));
            }
        }
        return values;
    }

    @ParameterizedTest
    @MethodSource("databases")
    void givenOneCommitOfRowsOverTwoBucketsAndTwoSources_whenWritten_thenOnePiecePerSourceAndBucket(String db)
            throws Exception {
        String url = url(db);
        try (StateStore store = StateStore.open(url, user(db), null, 2, new MutableClock(NOW))) {
            CheckpointStore checkpoints = new CheckpointStore(store.dataSource(), Duration.ofSeconds(30), 4000);
            for (long row = 1; row <= 1500; row++) {
                checkpoints.save(checkpoint("csv:big", row, Outcome.UPDATED));
            }
            checkpoints.save(checkpoint("csv:small", 3, Outcome.REJECTED));
            checkpoints.flush();

            assertThat(checkpoints.commits()).isEqualTo(1);
            // rows 1-1023 and 1024-1500 of csv:big, row 3 of csv:small
            assertThat(pieces(url, user(db))).containsExactlyInAnyOrder(1023L, 477L, 1L);
            assertThat(checkpoints.count("csv:big")).isEqualTo(1500);
            assertThat(checkpoints.deleteSource("csv:big")).isEqualTo(1500);
            assertThat(pieces(url, user(db))).containsExactly(1L);
            checkpoints.close();
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void givenAResumedSource_whenItsRowsAreLookedUpInOrder_thenEachBucketIsReadOnceAndLaterSavesAreSeen(String db) {
        try (StateStore store = open(db)) {
            CheckpointStore before = new CheckpointStore(store.dataSource(), Duration.ofMillis(20), 128);
            for (long row = 1; row <= 3000; row += 2) {
                before.save(checkpoint("csv:resumed", row, row % 3 == 0 ? Outcome.REJECTED : Outcome.UPDATED));
            }
            before.close();

            // the process after the crash
            CheckpointStore after = new CheckpointStore(store);
            for (long row = 1; row <= 3000; row++) {
                var found = after.find("csv:resumed", row);
                assertThat(found.isPresent()).as("row %d", row).isEqualTo(row % 2 == 1);
                found.ifPresent(cp -> assertThat(cp.outcome())
                        .isEqualTo(cp.row() % 3 == 0 ? Outcome.REJECTED : Outcome.UPDATED));
            }
            // rows 1-1023, 1024-2047, 2048-3000
            assertThat(after.bucketReads()).isEqualTo(3);

            // a row saved after its bucket was read is found in the kept bucket, first outcome standing
            after.save(checkpoint("csv:resumed", 2, Outcome.FAILED));
            after.save(checkpoint("csv:resumed", 1, Outcome.FAILED));
            assertThat(after.find("csv:resumed", 2)).get().extracting(Checkpoint::outcome).isEqualTo(Outcome.FAILED);
            assertThat(after.find("csv:resumed", 1)).get().extracting(Checkpoint::outcome)
                    .isEqualTo(Outcome.UPDATED);
            assertThat(after.bucketReads()).isEqualTo(3);
            assertThat(after.count("csv:resumed")).isEqualTo(1501);
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void givenAnotherInstanceSavesIntoAKeptBucket_whenLookedUpASecondLater_thenItsCheckpointIsSeen(String db)
            throws Exception {
        try (StateStore store = open(db)) {
            CheckpointStore mine = new CheckpointStore(store);
            CheckpointStore other = new CheckpointStore(store);
            mine.save(checkpoint("kafka:t-0-5@1", 1, Outcome.UPDATED));
            assertThat(mine.find("kafka:t-0-5@1", 2)).isEmpty();

            other.save(checkpoint("kafka:t-0-5@1", 2, Outcome.UPDATED));

            // the kept bucket is read again once it is a second old
            await().pollDelay(Duration.ofMillis(900)).atMost(Duration.ofSeconds(10))
                    .until(() -> mine.find("kafka:t-0-5@1", 2).isPresent());
            assertThat(mine.bucketReads()).isEqualTo(2);
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void givenABucketOfLongMessages_whenCommitted_thenItIsSplitIntoPiecesTheColumnHoldsAndEveryRowReadsBack(String db)
            throws Exception {
        String url = url(db);
        try (StateStore store = StateStore.open(url, user(db), null, 2, new MutableClock(NOW))) {
            CheckpointStore checkpoints = new CheckpointStore(store.dataSource(), Duration.ofSeconds(30), 1000);
            String longMessage = "\"quoted\" é ünïcödé\nand a new line ".repeat(200);
            for (long row = 0; row < 600; row++) {
                checkpoints.save(new Checkpoint("replay:x", row, Outcome.FAILED, "zoho", "provider_error",
                        longMessage + row, 503, "E" + row, longMessage, 3, "dead-letter/x-" + row + ".json", "b9",
                        NOW.plusNanos(row * 1000)));
            }
            checkpoints.close();

            assertThat(pieces(url, user(db))).hasSizeGreaterThan(1).allSatisfy(n -> assertThat(n).isLessThan(600));
            CheckpointStore reader = new CheckpointStore(store);
            assertThat(reader.count("replay:x")).isEqualTo(600);
            Checkpoint cp = reader.find("replay:x", 417).orElseThrow();
            assertThat(cp.message()).hasSize(CheckpointCodec.MAX_TEXT).startsWith(longMessage.substring(0, 100))
                    .endsWith("…");
            assertThat(cp.providerCode()).isEqualTo("E417");
            assertThat(cp.httpStatus()).isEqualTo(503);
            assertThat(cp.attempts()).isEqualTo(3);
            assertThat(cp.deadLetter()).isEqualTo("dead-letter/x-417.json");
            assertThat(cp.recordedAt()).isEqualTo(NOW.plusNanos(417_000));
        }
    }

    /** Row counts of the pieces in the table. */
    private static List<Long> pieces(String url, String user) throws SQLException {
        return column(url, user, "SELECT CAST(row_count AS BIGINT) FROM checkpoint_piece", Long.class);
    }

    @ParameterizedTest
    @MethodSource("databases")
    void givenAMark_whenCommitted_thenItsCallerIsToldAfterTheCommitAndTheRowIsInDoubtUntilItsOutcome(String db)
            throws Exception {
        String url = url(db);
        try (StateStore store = StateStore.open(url, user(db), null, 2, new MutableClock(NOW))) {
            // marks wait for the flush interval as outcomes do, and their caller is told once they are committed
            CheckpointStore checkpoints = new CheckpointStore(store.dataSource(), Duration.ofMillis(100), 64);
            CheckpointStore other = new CheckpointStore(store);
            BlockingQueue<Long> seenByTheOtherProcessWhenTold = new LinkedBlockingQueue<>();
            for (long row = 1; row <= 3; row++) {
                long r = row;
                checkpoints.mark(Checkpoint.mark("csv:m", row, "zoho", "b1", NOW), failure -> {
                    assertThat(failure).isNull();
                    seenByTheOtherProcessWhenTold.add(new CheckpointStore(store).find("csv:m", r).isPresent() ? r : -r);
                });
            }

            for (int i = 0; i < 3; i++) {
                assertThat(seenByTheOtherProcessWhenTold.poll(10, TimeUnit.SECONDS)).isPositive();
            }
            assertThat(other.inDoubt("csv:m")).isEqualTo(3);
            assertThat(other.find("csv:m", 2).orElseThrow().inDoubt()).isTrue();

            checkpoints.save(marked("csv:m", 2, Outcome.UPDATED));
            checkpoints.save(marked("csv:m", 3, Outcome.REJECTED));
            checkpoints.close();

            CheckpointStore otherProcess = new CheckpointStore(store);
            assertThat(otherProcess.find("csv:m", 2).orElseThrow().outcome()).isEqualTo(Outcome.UPDATED);
            assertThat(otherProcess.find("csv:m", 3).orElseThrow().outcome()).isEqualTo(Outcome.REJECTED);
            assertThat(otherProcess.inDoubt("csv:m")).isEqualTo(1);
            assertThat(otherProcess.count("csv:m")).as("rows with a mark or an outcome")
                    .isEqualTo(3);
            // marks and outcomes are stored in pieces, a mark reading "sending"
            assertThat(String.join("", column(url, user(db), "SELECT checkpoints FROM checkpoint_piece ORDER BY "
                    + "piece_no", String.class))).contains("\"sending\"").contains("\"updated\"")
                    .contains("\"rejected\"");
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void givenAMarkedRowWithAnOutcome_whenAnotherOutcomeOrMarkComes_thenTheFirstOutcomeStands(String db)
            throws Exception {
        try (StateStore store = open(db)) {
            CheckpointStore checkpoints = new CheckpointStore(store);
            markAndWait(checkpoints, "csv:x", 1);
            checkpoints.save(marked("csv:x", 1, Outcome.UPDATED));
            checkpoints.save(marked("csv:x", 1, Outcome.FAILED));
            markAndWait(checkpoints, "csv:x", 1);
            // an outcome whose row has no mark (a record rejected before its call) and one whose mark went missing
            checkpoints.save(checkpoint("csv:x", 2, Outcome.REJECTED));
            checkpoints.save(marked("csv:x", 3, Outcome.UPDATED));

            assertThat(checkpoints.find("csv:x", 1).orElseThrow().outcome()).isEqualTo(Outcome.UPDATED);
            assertThat(checkpoints.find("csv:x", 2).orElseThrow().outcome()).isEqualTo(Outcome.REJECTED);
            assertThat(checkpoints.find("csv:x", 3).orElseThrow().outcome()).isEqualTo(Outcome.UPDATED);
            assertThat(checkpoints.count("csv:x")).isEqualTo(3);
            assertThat(checkpoints.inDoubt("csv:x")).isZero();
            assertThat(checkpoints.marks()).isEqualTo(2);
        }
    }

    private static Checkpoint marked(String source, long row, Outcome outcome) {
        return new Checkpoint(source, row, outcome, "oneflow", null, null, 0, null, null, 1, null, "b1", NOW, true);
    }

    private static void markAndWait(CheckpointStore checkpoints, String source, long row) throws Exception {
        BlockingQueue<Object> told = new LinkedBlockingQueue<>();
        checkpoints.mark(Checkpoint.mark(source, row, "oneflow", "b1", NOW),
                failure -> told.add(failure == null ? "ok" : failure));
        assertThat(told.poll(10, TimeUnit.SECONDS)).isEqualTo("ok");
    }

    @org.junit.jupiter.api.Test
    void givenMoreSourcesThanTheStoreKeepsNumbersFor_whenTheFirstAreReadAgain_thenTheirNumbersComeFromTheTable() {
        try (StateStore store = open("h2")) {
            CheckpointStore checkpoints = new CheckpointStore(store.dataSource(), Duration.ofMillis(20), 128);
            int sources = CheckpointStore.KNOWN_SOURCES + 50;
            for (int i = 0; i < sources; i++) {
                checkpoints.save(checkpoint("jms:ID:" + i, 1, i % 2 == 0 ? Outcome.UPDATED : Outcome.FAILED));
            }
            checkpoints.flush();
            // a source per queue message: the numbers held in memory stay bounded
            assertThat(checkpoints.knownSources()).isEqualTo(CheckpointStore.KNOWN_SOURCES);

            for (int i : new int[] {0, 1, 49, sources / 2, sources - 1}) {
                assertThat(checkpoints.find("jms:ID:" + i, 1)).as("source %d", i).get()
                        .extracting(Checkpoint::outcome).isEqualTo(i % 2 == 0 ? Outcome.UPDATED : Outcome.FAILED);
            }
            assertThat(checkpoints.find("jms:ID:" + sources, 1)).isEmpty();
            assertThat(checkpoints.deleteSource("jms:ID:0")).isEqualTo(1);
            assertThat(checkpoints.exists("jms:ID:0")).isFalse();
            checkpoints.close();
        }
    }
}
