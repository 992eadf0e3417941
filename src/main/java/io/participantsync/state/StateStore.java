package io.participantsync.state;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.participantsync.config.ConfigurationException;
import io.participantsync.config.Settings;
import io.participantsync.deadletter.SecureFiles;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The JDBC state store: batch history (reports of HTTP batches and sync-job runs), HTTP idempotency keys, the
 * change-detection hashes of scheduled sync jobs, and job locks. Embedded H2 in a file under {@code data.dir} by
 * default; PostgreSQL (or another JDBC database) via {@code state.jdbc-url}. The schema is created and migrated by
 * Flyway at startup ({@code db/migration}).
 */
public final class StateStore implements AutoCloseable {

    /** SQLState of a unique-key violation, the same in H2 and PostgreSQL. */
    private static final String UNIQUE_VIOLATION = "23505";

    static {
        bindH2ToLoopback();
    }

    private final HikariDataSource dataSource;
    private final Clock clock;

    /**
     * H2's AUTO_SERVER listens where {@code h2.bindAddress} says, on every interface when it is unset: this sets it
     * to 127.0.0.1 unless given. H2 reads it once, so {@code main} calls this before anything touches H2.
     */
    public static void bindH2ToLoopback() {
        if (System.getProperty("h2.bindAddress") == null) {
            System.setProperty("h2.bindAddress", "127.0.0.1");
        }
    }

    /** Whether H2's servers bind to a loopback address only (H2 read {@code h2.bindAddress} as such). */
    static boolean h2BindsToLoopback() {
        String bind = org.h2.engine.SysProperties.BIND_ADDRESS;
        if (bind == null || bind.isBlank()) {
            return false;
        }
        try {
            return java.net.InetAddress.getByName(bind.trim()).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private StateStore(HikariDataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /** Opens (and migrates) the store configured by {@code state.*}. */
    public static StateStore open(Settings settings, Clock clock) {
        String url = settings.get("state.jdbc-url");
        if (url == null) {
            Path dir = Path.of(settings.get("data.dir", "data")).toAbsolutePath().resolve("state");
            try {
                // owner-only: the lock file beside the database holds the key that opens it through AUTO_SERVER
                SecureFiles.directories(dir);
            } catch (java.io.IOException e) {
                throw new ConfigurationException("data.dir: cannot create " + dir + ": " + e.getMessage());
            }
            // AUTO_SERVER lets a second local process (`sync`, `sync-job` beside `run`) open the same file: the
            // process holding the file serves it on 127.0.0.1 only (h2.bindAddress), to whoever can read the key
            // in the owner-only lock file; when H2 would bind elsewhere, no server (one process at a time).
            // WRITE_DELAY=0 writes each commit out at once (H2 waits up to 500 ms by default), so a checkpoint
            // committed before the process is killed is still there after the restart
            url = "jdbc:h2:file:" + dir.resolve("participant-sync") + (h2BindsToLoopback() ? ";AUTO_SERVER=TRUE" : "")
                    + ";WRITE_DELAY=0";
        }
        return open(url, settings.get("state.jdbc-user"), settings.get("state.jdbc-password"),
                settings.getInt("state.pool-size", 8), clock);
    }

    public static StateStore open(String jdbcUrl, String user, String password, int poolSize, Clock clock) {
        if (!jdbcUrl.startsWith("jdbc:")) {
            throw new ConfigurationException("state.jdbc-url must be a JDBC URL (jdbc:...), was '" + jdbcUrl + "'");
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        if (user != null) {
            config.setUsername(user);
        }
        if (password != null) {
            config.setPassword(password);
        }
        config.setMaximumPoolSize(poolSize);
        config.setPoolName("state-store");
        config.setInitializationFailTimeout(10_000);
        HikariDataSource ds;
        try {
            ds = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new ConfigurationException("state.jdbc-url: cannot connect to the state store: " + e.getMessage());
        }
        try {
            Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        } catch (RuntimeException e) {
            ds.close();
            throw new IllegalStateException("cannot migrate the state store: " + e.getMessage(), e);
        }
        return new StateStore(ds, clock);
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** Whether the database answers (readiness). */
    public boolean ping() {
        try (Connection c = dataSource.getConnection()) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    // ---- batches -------------------------------------------------------------------------------------------

    /** Inserts a running batch; a batch resumed after a crash (same id) is marked running again. */
    public void batchStarted(String batchId, String sourceKind, String sourceName, String jobName) {
        try {
            update("INSERT INTO batch (batch_id, source_kind, source_name, job_name, status, started_at) "
                    + "VALUES (?, ?, ?, ?, ?, ?)", batchId, sourceKind, sourceName, jobName, StoredBatch.RUNNING,
                    ts(clock.instant()));
        } catch (StateStoreException e) {
            if (!(e.getCause() instanceof SQLException s && UNIQUE_VIOLATION.equals(s.getSQLState()))) {
                throw e;
            }
            update("UPDATE batch SET status = ? WHERE batch_id = ?", StoredBatch.RUNNING, batchId);
        }
    }

    /**
     * Marks a batch finished ({@link StoredBatch#COMPLETED} or {@link StoredBatch#FAILED}) with its report (kept in
     * {@code batch_report}, beside the batch row, so that lists and counts never read it).
     */
    public void batchFinished(String batchId, String status, Instant finishedAt, long received, long updated,
            long unchanged, long rejected, long failed, String reportJson) {
        inTransaction(dataSource, "state store update failed", c -> {
            execute(c, "UPDATE batch SET status = ?, finished_at = ?, received = ?, updated = ?, unchanged = ?, "
                    + "rejected = ?, failed = ? WHERE batch_id = ?", status, ts(finishedAt), received, updated,
                    unchanged, rejected, failed, batchId);
            // a batch resumed after a crash closes again: its new report replaces the old one
            execute(c, "DELETE FROM batch_report WHERE batch_id = ?", batchId);
            if (reportJson != null) {
                execute(c, "INSERT INTO batch_report (batch_id, report_json) VALUES (?, ?)", batchId, reportJson);
            }
            return null;
        });
    }

    /** Work on one connection of the store, committed together or not at all. */
    @FunctionalInterface
    interface TransactionWork<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    static <T> T inTransaction(DataSource dataSource, String what, TransactionWork<T> work) {
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new StateStoreException(what + ": " + e.getMessage(), e);
        }
    }

    private static void execute(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            ps.executeUpdate();
        }
    }

    /** The batch with its stored report. */
    public Optional<StoredBatch> findBatch(String batchId) {
        List<StoredBatch> found = queryBatches("SELECT b.*, r.report_json FROM batch b LEFT JOIN batch_report r "
                + "ON r.batch_id = b.batch_id WHERE b.batch_id = ?", batchId);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    /** The batch without its report ({@link StoredBatch#reportJson} null): what a list shows of it. */
    public Optional<StoredBatch> findBatchHead(String batchId) {
        List<StoredBatch> found = queryBatches("SELECT b.*, NULL AS report_json FROM batch b WHERE b.batch_id = ?",
                batchId);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    /** Characters of a stored report read for {@link #reportHead}: its fields before {@code rows} fit easily. */
    static final int REPORT_HEAD_CHARS = 65_536;

    /**
     * The stored report of a batch without its {@code rows} (written last): its first
     * {@value #REPORT_HEAD_CHARS} characters are read and parsed up to {@code rows}; the whole report only when
     * its head is longer. Empty when no report is stored.
     */
    public Optional<com.fasterxml.jackson.databind.node.ObjectNode> reportHead(String batchId) {
        String head;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT SUBSTRING(report_json, 1, " + REPORT_HEAD_CHARS + ") FROM batch_report WHERE batch_id = ?")) {
            ps.setString(1, batchId);
            try (ResultSet rs = ps.executeQuery()) {
                head = rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new StateStoreException("cannot read the report of batch " + batchId, e);
        }
        if (head == null) {
            return Optional.empty();
        }
        Optional<com.fasterxml.jackson.databind.node.ObjectNode> parsed = ReportHead.parse(head);
        if (parsed.isPresent() || head.length() < REPORT_HEAD_CHARS) {
            return parsed;
        }
        return findBatch(batchId).map(StoredBatch::reportJson).flatMap(ReportHead::parse);
    }

    /** The newest runs of a sync job first, with their reports. */
    public List<StoredBatch> jobRuns(String jobName, int limit) {
        // the runs first, then each one's report by its key: a join ahead of the limit made H2 read the report of
        // every run of the job (p95 1,262 ms for GET /api/v1/sync-jobs with 2,700 runs a job, bench/console)
        List<StoredBatch> out = new ArrayList<>();
        for (StoredBatch b : jobRunHeads(jobName, limit)) {
            out.add(findBatch(b.batchId()).orElse(b));
        }
        return out;
    }

    /** The newest runs of a sync job first, without their reports. */
    public List<StoredBatch> jobRunHeads(String jobName, int limit) {
        // job_name (one value) leads the ORDER BY so that H2 reads batch_job_started backwards (see listBatches)
        return queryBatches("SELECT b.*, NULL AS report_json FROM batch b WHERE b.job_name = ? "
                + "ORDER BY b.job_name DESC, b.started_at DESC FETCH FIRST " + Math.max(1, limit) + " ROWS ONLY",
                jobName);
    }

    /** Which batches to list; a null part matches all. {@code status} may also be {@code problems}. */
    public record BatchFilter(String kind, String status, Instant since, Instant until, String text) {
    }

    /** Where a page of batches starts: below this (started_at, batch_id), newest first. */
    public record BatchCursor(Instant startedAt, String batchId) {
    }

    /**
     * A page of batches, newest started first, below {@code before} (null: from the newest); {@code limit + 1} are
     * read so the caller knows whether there is a next page.
     */
    public List<StoredBatch> listBatches(BatchFilter f, BatchCursor before, int limit) {
        StringBuilder sql = new StringBuilder("SELECT batch_id, source_kind, source_name, job_name, status, "
                + "started_at, finished_at, received, updated, unchanged, rejected, failed, NULL AS report_json "
                + "FROM batch WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (f.kind() != null) {
            sql.append(" AND source_kind = ?");
            args.add(f.kind());
        }
        if ("problems".equals(f.status())) {
            sql.append(" AND status <> 'running' AND (rejected > 0 OR failed > 0)");
        } else if (f.status() != null) {
            sql.append(" AND status = ?");
            args.add(f.status());
        }
        if (f.since() != null) {
            sql.append(" AND started_at >= ?");
            args.add(ts(f.since()));
        }
        if (f.until() != null) {
            sql.append(" AND started_at < ?");
            args.add(ts(f.until()));
        }
        if (f.text() != null) {
            sql.append(" AND LOWER(source_name) LIKE ? ESCAPE '\\'");
            args.add("%" + BatchRecords.escapeLike(f.text().toLowerCase(java.util.Locale.ROOT)) + "%");
        }
        if (before != null) {
            // started_at <= ? first: a range of the index, not a filter on every newer batch
            sql.append(" AND started_at <= ? AND (started_at < ? OR batch_id < ?)");
            args.add(ts(before.startedAt()));
            args.add(ts(before.startedAt()));
            args.add(before.batchId());
        }
        // a kind or status (one value) leads the ORDER BY so that H2 reads its index (source_kind or status,
        // started_at, batch_id) backwards instead of sorting every batch of that kind: H2 does not see that an
        // equality leaves the later columns in order (kind=jms: p50 48 ms on H2 at 100,000 batches, bench/console)
        String order = f.kind() != null ? "source_kind DESC, "
                : f.status() != null && !"problems".equals(f.status()) ? "status DESC, " : "";
        sql.append(" ORDER BY ").append(order).append("started_at DESC, batch_id DESC FETCH FIRST ").append(limit + 1)
                .append(" ROWS ONLY");
        return queryBatches(sql.toString(), args.toArray());
    }

    /**
     * How far back one request of the batch list looks for a text ({@code q}, contained in the source name): the
     * text is not indexed, so each request reads six hours of batches at most and its {@code next} goes on with the
     * six hours before. Without the bound a text no batch has read all of them: p95 282 ms on H2 at 100,000 batches
     * a week; with one day (~14,000 batches) still p95 238 ms on H2 (bench/console).
     */
    public static final Duration TEXT_SEARCH_WINDOW = Duration.ofHours(6);

    /** When the newest batch started (empty: no batch). */
    public Optional<Instant> newestStart() {
        return instantOf("SELECT MAX(started_at) FROM batch");
    }

    /** When the newest batch started before {@code t} started (empty: none did). */
    public Optional<Instant> newestStartBefore(Instant t) {
        return instantOf("SELECT MAX(started_at) FROM batch WHERE started_at < ?", ts(t));
    }

    private Optional<Instant> instantOf(String sql, Object... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                Timestamp t = rs.next() ? rs.getTimestamp(1) : null;
                return t == null ? Optional.empty() : Optional.of(t.toInstant());
            }
        } catch (SQLException e) {
            throw new StateStoreException("cannot read batches", e);
        }
    }

    /** Outcome counts of the batches finished in [from, to), summed per bucket of {@code bucketSeconds}. */
    public List<long[]> outcomeBuckets(Instant from, Instant to, long bucketSeconds) {
        if (h2()) {
            return outcomeBucketsInJava(from, to, bucketSeconds);
        }
        String sql = "SELECT FLOOR(EXTRACT(EPOCH FROM finished_at) / " + bucketSeconds + ") AS b, SUM(updated), "
                + "SUM(unchanged), SUM(rejected), SUM(failed) FROM batch WHERE finished_at >= ? AND finished_at < ? "
                + "GROUP BY FLOOR(EXTRACT(EPOCH FROM finished_at) / " + bucketSeconds + ")";
        List<long[]> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, ts(from), ts(to));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new long[] {rs.getLong(1) * bucketSeconds, rs.getLong(2), rs.getLong(3), rs.getLong(4),
                        rs.getLong(5)});
                }
            }
        } catch (SQLException e) {
            throw new StateStoreException("cannot count outcomes: " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * {@link #outcomeBuckets} for H2: the batches' counts read from the index batch_finished and summed here. H2
     * grouped a week of batches by the expression in seconds (p50 1.9 s at 100,000 batches, bench/console), while
     * reading the same rows from the index takes tens of milliseconds.
     */
    private List<long[]> outcomeBucketsInJava(Instant from, Instant to, long bucketSeconds) {
        java.util.Map<Long, long[]> sums = new java.util.TreeMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT finished_at, updated, unchanged, rejected, failed FROM batch WHERE finished_at >= ? "
                        + "AND finished_at < ?")) {
            bind(ps, ts(from), ts(to));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long start = Math.floorDiv(rs.getTimestamp(1).getTime(), bucketSeconds * 1000) * bucketSeconds;
                    long[] b = sums.computeIfAbsent(start, k -> new long[] {k, 0, 0, 0, 0});
                    for (int i = 1; i <= 4; i++) {
                        b[i] += rs.getLong(i + 1);
                    }
                }
            }
        } catch (SQLException e) {
            throw new StateStoreException("cannot count outcomes: " + e.getMessage(), e);
        }
        return new ArrayList<>(sums.values());
    }

    private Boolean h2;

    private boolean h2() {
        if (h2 == null) {
            try (Connection c = dataSource.getConnection()) {
                h2 = c.getMetaData().getDatabaseProductName().equalsIgnoreCase("H2");
            } catch (SQLException e) {
                return false;
            }
        }
        return h2;
    }

    // ---- idempotency keys ----------------------------------------------------------------------------------

    /**
     * Claims {@code key} for a new batch. Empty when the claim succeeded (a new request); otherwise the earlier
     * claim, whose body hash tells a replay (same body) from a conflict (different body).
     */
    public Optional<IdempotencyClaim> claimIdempotencyKey(String key, String bodySha256, String batchId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO idempotency_key (idem_key, body_sha256, "
                        + "batch_id, created_at) VALUES (?, ?, ?, ?)")) {
            bind(ps, key, bodySha256, batchId, ts(clock.instant()));
            ps.executeUpdate();
            return Optional.empty();
        } catch (SQLException e) {
            if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw new StateStoreException("cannot record idempotency key", e);
            }
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT body_sha256, batch_id FROM idempotency_key WHERE idem_key = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new StateStoreException("idempotency key vanished while claimed", null);
                }
                return Optional.of(new IdempotencyClaim(key, rs.getString(1), rs.getString(2)));
            }
        } catch (SQLException e) {
            throw new StateStoreException("cannot read idempotency key", e);
        }
    }

    /** An earlier use of an idempotency key. */
    public record IdempotencyClaim(String key, String bodySha256, String batchId) {
    }

    // ---- change detection ----------------------------------------------------------------------------------

    /** The hash of the fields last applied to a participant, if any. */
    public Optional<String> syncHash(String connection, String locatorKey) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT fields_hash FROM sync_state WHERE connection_name = ? AND locator_key = ?")) {
            ps.setString(1, connection);
            ps.setString(2, locatorKey);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StateStoreException("cannot read sync state", e);
        }
    }

    /** Records the hash of the fields just applied to a participant. */
    public void putSyncHash(String connection, String locatorKey, String hash) {
        Timestamp now = ts(clock.instant());
        int n = update("UPDATE sync_state SET fields_hash = ?, updated_at = ? WHERE connection_name = ? "
                + "AND locator_key = ?", hash, now, connection, locatorKey);
        if (n == 0) {
            try {
                update("INSERT INTO sync_state (connection_name, locator_key, fields_hash, updated_at) "
                        + "VALUES (?, ?, ?, ?)", connection, locatorKey, hash, now);
            } catch (StateStoreException e) {
                if (!(e.getCause() instanceof SQLException s && UNIQUE_VIOLATION.equals(s.getSQLState()))) {
                    throw e;
                }
                // another instance inserted it first: last writer wins
                update("UPDATE sync_state SET fields_hash = ?, updated_at = ? WHERE connection_name = ? "
                        + "AND locator_key = ?", hash, now, connection, locatorKey);
            }
        }
    }

    // ---- job locks -----------------------------------------------------------------------------------------

    /**
     * Takes the lock of {@code job} for {@code owner} until {@code ttl} from now; true when taken (or already held
     * by the same owner). A lock whose time ran out (its holder died) can be taken by anyone.
     */
    public boolean tryLock(String job, String owner, Duration ttl) {
        Instant now = clock.instant();
        try {
            update("INSERT INTO job_lock (job_name, owner, locked_until) VALUES (?, ?, ?)", job, owner,
                    ts(now.plus(ttl)));
            return true;
        } catch (StateStoreException e) {
            if (!(e.getCause() instanceof SQLException s && UNIQUE_VIOLATION.equals(s.getSQLState()))) {
                throw e;
            }
        }
        return update("UPDATE job_lock SET owner = ?, locked_until = ? WHERE job_name = ? "
                + "AND (locked_until < ? OR owner = ?)", owner, ts(now.plus(ttl)), job, ts(now), owner) == 1;
    }

    public void unlock(String job, String owner) {
        update("DELETE FROM job_lock WHERE job_name = ? AND owner = ?", job, owner);
    }

    @Override
    public void close() {
        dataSource.close();
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    private List<StoredBatch> queryBatches(String sql, Object... args) {
        List<StoredBatch> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Timestamp finished = rs.getTimestamp("finished_at");
                    out.add(new StoredBatch(rs.getString("batch_id"), rs.getString("source_kind"),
                            rs.getString("source_name"), rs.getString("job_name"), rs.getString("status"),
                            rs.getTimestamp("started_at").toInstant(), finished == null ? null : finished.toInstant(),
                            rs.getLong("received"), rs.getLong("updated"), rs.getLong("unchanged"),
                            rs.getLong("rejected"), rs.getLong("failed"), rs.getString("report_json")));
                }
            }
        } catch (SQLException e) {
            throw new StateStoreException("cannot read batches", e);
        }
        return out;
    }

    private int update(String sql, Object... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new StateStoreException("state store update failed: " + e.getMessage(), e);
        }
    }

    private static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            if (args[i] == null) {
                ps.setNull(i + 1, java.sql.Types.VARCHAR);
            } else {
                ps.setObject(i + 1, args[i]);
            }
        }
    }

    private static Timestamp ts(Instant i) {
        return Timestamp.from(i);
    }

    /** A state-store operation failed. */
    public static final class StateStoreException extends RuntimeException {
        StateStoreException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
