package io.participantsync.state;

import io.participantsync.core.Checkpoint;
import io.participantsync.core.Checkpoints;
import io.participantsync.model.Outcome;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The core's {@link Checkpoints} in the state store (tables {@code checkpoint} and {@code checkpoint_source},
 * migration V3): one row per source row with a final outcome, keyed by the source's number and the row. A source
 * gets its number when its first checkpoint is written (kept in memory from then on). Rows of a
 * source are deleted once that source is settled (its file archived, its HTTP body released, its {@code sync} run
 * finished); queue messages are acknowledged after the batch returns, which the service cannot observe, so theirs
 * stay until {@link #purgeOlderThan} (by {@code checkpoint.retention-hours}).
 * <p>
 * <b>Group commit.</b> One writer thread commits the saves, many rows per transaction: a commit of the embedded H2
 * store writes its changed pages to disk, so one commit per record would cost more than the record's HTTP call.
 * With a {@code flushInterval} of zero, {@link #save} returns once its row is committed (saves that arrive during a
 * commit go together in the next). With a positive interval, {@link #save} returns at once and the writer commits
 * what has gathered at most that long after it arrived; at most {@code maxPending} saves are ever uncommitted (a save
 * beyond that waits), so a kill loses at most that many checkpoints, the records of which are sent again after the
 * restart (at-least-once). Uncommitted saves are seen by {@link #find} and {@link #exists}, and
 * {@link #deleteSource} and {@link #count} first wait for them. {@link #close} commits what is left.
 */
public final class CheckpointStore implements Checkpoints, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);

    /** SQLState of a unique-key violation, the same in H2 and PostgreSQL. */
    private static final String UNIQUE_VIOLATION = "23505";
    private static final int MAX_TEXT = 4000;
    private static final int DELETE_CHUNK = 10_000;
    /** Source numbers kept in memory (the sources of the batches in flight, with room to spare). */
    static final int KNOWN_SOURCES = 4096;

    private static final String INSERT = "INSERT INTO checkpoint (source_no, row_no, outcome, connection_name, "
            + "error_category, message, http_status, provider_code, provider_message, attempts, dead_letter, "
            + "batch_id, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private final DataSource dataSource;
    private final long flushNanos;
    private final int maxPending;
    private final ReentrantLock lock = new ReentrantLock();
    /** The writer waits here for saves, a flush request or the close. */
    private final Condition work = lock.newCondition();
    /** Savers and flushers wait here for a commit. */
    private final Condition committedChanged = lock.newCondition();
    // guarded by lock:
    /** Saves not yet taken by the writer, by source id and row (the first save of a row stands). */
    private Map<RowKey, Pending> pending = new LinkedHashMap<>();
    /** The saves the writer is committing now. */
    private Map<RowKey, Pending> writing = Map.of();
    /** Saves accepted, and saves committed (or failed), by sequence number. */
    private long accepted;
    private long committed;
    private long firstPendingNanos;
    private boolean flushNow;
    private boolean closed;
    private Thread writer;
    private final AtomicLong saves = new AtomicLong();
    /**
     * Numbers of the sources used last, once read or given (a source deleted or purged is forgotten). Bounded: every
     * queue message is a source of its own, kept until the retention purge, so an unbounded map would grow with
     * the traffic of a week.
     */
    private final Map<String, Long> sourceNumbers = Collections.synchronizedMap(
            new LinkedHashMap<>(256, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                    return size() > KNOWN_SOURCES;
                }
            });
    private final AtomicLong commits = new AtomicLong();

    /** Each save committed before it returns. */
    public CheckpointStore(StateStore store) {
        this(store.dataSource(), Duration.ZERO, 1);
    }

    /** Each save committed before it returns. */
    public CheckpointStore(DataSource dataSource) {
        this(dataSource, Duration.ZERO, 1);
    }

    /**
     * @param flushInterval how long a save may stay uncommitted ({@code checkpoint.flush-ms}); zero: until its
     *                      {@link #save} returns
     * @param maxPending    saves that may be uncommitted at once ({@code checkpoint.max-pending}); ignored when
     *                      {@code flushInterval} is zero
     */
    public CheckpointStore(DataSource dataSource, Duration flushInterval, int maxPending) {
        if (flushInterval.isNegative() || maxPending < 1) {
            throw new IllegalArgumentException("flush interval must be >= 0 and max pending >= 1");
        }
        this.dataSource = dataSource;
        this.flushNanos = flushInterval.toNanos();
        this.maxPending = flushNanos == 0 ? Integer.MAX_VALUE : maxPending;
    }

    @Override
    public Optional<Checkpoint> find(String sourceId, long row) {
        lock.lock();
        try {
            RowKey key = new RowKey(sourceId, row);
            Pending p = pending.get(key);
            if (p == null) {
                p = writing.get(key);
            }
            if (p != null) {
                return Optional.of(p.checkpoint);
            }
        } finally {
            lock.unlock();
        }
        try (Connection c = dataSource.getConnection()) {
            Long number = sourceNumber(c, sourceId);
            if (number == null) {
                return Optional.empty();
            }
            return read(c, sourceId, row, number);
        } catch (SQLException e) {
            throw new StateStore.StateStoreException("cannot read checkpoint", e);
        }
    }

    private static Optional<Checkpoint> read(Connection c, String sourceId, long row, long number)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT outcome, connection_name, error_category, message, "
                + "http_status, provider_code, provider_message, attempts, dead_letter, batch_id, recorded_at "
                + "FROM checkpoint WHERE source_no = ? AND row_no = ?")) {
            ps.setLong(1, number);
            ps.setLong(2, row);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Checkpoint(sourceId, row,
                        Outcome.valueOf(rs.getString(1).toUpperCase(Locale.ROOT)), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getInt(5), rs.getString(6), rs.getString(7), rs.getInt(8),
                        rs.getString(9), rs.getString(10), rs.getTimestamp(11).toInstant()));
            }
        }
    }

    /** The number of {@code sourceId}, or {@code null} when it has none (no checkpoint was ever written for it). */
    private Long sourceNumber(Connection c, String sourceId) throws SQLException {
        Long known = sourceNumbers.get(sourceId);
        if (known != null) {
            return known;
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT source_no FROM checkpoint_source WHERE source_id = ?")) {
            ps.setString(1, sourceId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                long number = rs.getLong(1);
                sourceNumbers.put(sourceId, number);
                return number;
            }
        }
    }

    /** The number of {@code sourceId}, given it now (committed) when it has none. */
    private long numberSource(Connection c, String sourceId, Instant at) throws SQLException {
        for (int attempt = 0; ; attempt++) {
            Long number = sourceNumber(c, sourceId);
            if (number != null) {
                return number;
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO checkpoint_source (source_id, created_at) VALUES (?, ?)")) {
                ps.setString(1, sourceId);
                ps.setTimestamp(2, Timestamp.from(at));
                ps.executeUpdate();
            } catch (SQLException e) {
                // another instance on the same database numbered it first: read its number
                if (!UNIQUE_VIOLATION.equals(e.getSQLState()) || attempt > 0) {
                    throw e;
                }
            }
        }
    }

    @Override
    public boolean exists(String sourceId) {
        lock.lock();
        try {
            if (pending.keySet().stream().anyMatch(k -> k.sourceId.equals(sourceId))
                    || writing.keySet().stream().anyMatch(k -> k.sourceId.equals(sourceId))) {
                return true;
            }
        } finally {
            lock.unlock();
        }
        try (Connection c = dataSource.getConnection()) {
            Long number = sourceNumber(c, sourceId);
            if (number == null) {
                return false;
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT 1 FROM checkpoint WHERE source_no = ? FETCH FIRST 1 ROWS ONLY")) {
                ps.setLong(1, number);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        } catch (SQLException e) {
            throw new StateStore.StateStoreException("cannot read checkpoints", e);
        }
    }

    /**
     * Saves a checkpoint: committed when this returns if the flush interval is zero (the failure, if any, is
     * thrown), otherwise within the interval (a failure is logged). Waits while {@code maxPending} saves are
     * uncommitted.
     */
    @Override
    public void save(Checkpoint cp) {
        Pending mine = new Pending(cp);
        lock.lock();
        try {
            while (!closed && pending.size() + writing.size() >= maxPending) {
                committedChanged.awaitUninterruptibly();
            }
            if (closed) {
                throw new IllegalStateException("the checkpoint store is closed");
            }
            startWriter();
            RowKey key = new RowKey(cp.sourceId(), cp.row());
            if (pending.isEmpty()) {
                firstPendingNanos = System.nanoTime();
            }
            // the first outcome of a row stands (a second save of a row the store holds is ignored when written)
            pending.putIfAbsent(key, mine);
            mine.sequence = ++accepted;
            if (flushNanos == 0 || pending.size() >= Math.max(1, maxPending / 2)) {
                flushNow = true;
            }
            work.signal();
            if (flushNanos > 0) {
                return;
            }
            while (committed < mine.sequence) {
                committedChanged.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
        if (mine.failure != null) {
            throw mine.failure;
        }
    }

    /** Returns once every save accepted so far is committed (or has failed). */
    public void flush() {
        lock.lock();
        try {
            long target = accepted;
            if (committed >= target) {
                return;
            }
            flushNow = true;
            work.signal();
            while (committed < target && writer != null && writer.isAlive()) {
                committedChanged.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Commits what is pending and stops the writer; later saves fail. */
    @Override
    public void close() {
        Thread w;
        lock.lock();
        try {
            closed = true;
            work.signalAll();
            committedChanged.signalAll();
            w = writer;
        } finally {
            lock.unlock();
        }
        if (w != null) {
            try {
                w.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Checkpoints saved so far (with {@link #commits()}: how many each commit carried on average). */
    public long saves() {
        return saves.get();
    }

    /** Source numbers held in memory now (at most {@link #KNOWN_SOURCES}). */
    int knownSources() {
        return sourceNumbers.size();
    }

    /** Commits that wrote checkpoints so far. */
    public long commits() {
        return commits.get();
    }

    private void startWriter() {
        if (writer == null) {
            writer = new Thread(this::writeLoop, "checkpoint-writer");
            writer.setDaemon(true);
            writer.start();
        }
    }

    /** The writer: takes what is pending once the interval since the first of it has passed, and commits it. */
    private void writeLoop() {
        lock.lock();
        try {
            while (true) {
                while (pending.isEmpty() && !closed) {
                    work.awaitUninterruptibly();
                }
                if (pending.isEmpty()) {
                    return;
                }
                long left = firstPendingNanos + flushNanos - System.nanoTime();
                while (!flushNow && !closed && left > 0) {
                    try {
                        left = work.awaitNanos(left);
                    } catch (InterruptedException e) {
                        left = 0;
                    }
                }
                flushNow = false;
                writing = pending;
                pending = new LinkedHashMap<>();
                long upTo = accepted;
                List<Pending> batch = new ArrayList<>(writing.values());
                lock.unlock();
                try {
                    write(batch);
                } catch (RuntimeException | Error e) {
                    LOG.error("checkpoint writer failed", e);
                } finally {
                    lock.lock();
                    writing = Map.of();
                    committed = upTo;
                    committedChanged.signalAll();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Writes {@code batch} in one transaction; a batch that meets an existing row is written row by row. */
    private void write(List<Pending> batch) {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            try {
                // sources are numbered (and committed) before their rows: a rolled-back group leaves no number behind
                c.setAutoCommit(true);
                for (Pending p : batch) {
                    p.sourceNo = numberSource(c, p.checkpoint.sourceId(), p.checkpoint.recordedAt());
                }
                if (batch.size() > 1 && writeTogether(c, batch)) {
                    return;
                }
                c.setAutoCommit(true);
                try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                    for (Pending p : batch) {
                        try {
                            bind(ps, p);
                            ps.executeUpdate();
                            commits.incrementAndGet();
                        } catch (SQLException e) {
                            // the first outcome of a row stands
                            if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                                p.failure = new StateStore.StateStoreException("cannot save checkpoint", e);
                            }
                        }
                    }
                }
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            StateStore.StateStoreException failure = new StateStore.StateStoreException("cannot save checkpoint", e);
            batch.forEach(p -> p.failure = failure);
        } finally {
            saves.addAndGet(batch.size());
            if (flushNanos > 0) {
                long failed = batch.stream().filter(p -> p.failure != null).count();
                if (failed > 0) {
                    // the outcomes stand: those records are merely not known as done should the process crash
                    LOG.warn("cannot save {} checkpoint(s): {}", failed, batch.stream()
                            .filter(p -> p.failure != null).findFirst().map(p -> p.failure.getCause() == null
                                    ? p.failure.getMessage() : p.failure.getCause().toString()).orElse(""));
                }
            }
        }
    }

    /** One transaction for the whole batch; false (rolled back) when a row exists already or the batch failed. */
    private boolean writeTogether(Connection c, List<Pending> batch) throws SQLException {
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            for (Pending p : batch) {
                bind(ps, p);
                ps.addBatch();
            }
            ps.executeBatch();
            c.commit();
            commits.incrementAndGet();
            return true;
        } catch (SQLException e) {
            c.rollback();
            return false;
        }
    }

    private static void bind(PreparedStatement ps, Pending p) throws SQLException {
        Checkpoint cp = p.checkpoint;
        ps.setLong(1, p.sourceNo);
        ps.setLong(2, cp.row());
        ps.setString(3, cp.outcome().label());
        text(ps, 4, cp.connection(), 200);
        text(ps, 5, cp.category(), 40);
        text(ps, 6, cp.message(), MAX_TEXT);
        if (cp.httpStatus() > 0) {
            ps.setInt(7, cp.httpStatus());
        } else {
            ps.setNull(7, Types.INTEGER);
        }
        text(ps, 8, cp.providerCode(), 200);
        text(ps, 9, cp.providerMessage(), MAX_TEXT);
        ps.setInt(10, cp.attempts());
        text(ps, 11, cp.deadLetter(), 1000);
        text(ps, 12, cp.batchId(), 100);
        ps.setTimestamp(13, Timestamp.from(cp.recordedAt()));
    }

    private record RowKey(String sourceId, long row) {
    }

    /** A save waiting for its commit. */
    private static final class Pending {
        final Checkpoint checkpoint;
        long sequence;
        /** Its source's number, once the writer has it. */
        long sourceNo;
        volatile StateStore.StateStoreException failure;

        Pending(Checkpoint checkpoint) {
            this.checkpoint = checkpoint;
        }
    }

    /**
     * Forgets a settled source; returns how many rows it had. Deleted {@value #DELETE_CHUNK} rows per transaction,
     * so a source of a million rows never makes one transaction of a million rows (on H2 its undo log lives in the
     * heap).
     */
    public int deleteSource(String sourceId) {
        // a save still pending would land after the delete and outlive its source
        flush();
        try (Connection c = dataSource.getConnection()) {
            Long number = sourceNumber(c, sourceId);
            if (number == null) {
                return 0;
            }
            long min;
            long max;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT MIN(row_no), MAX(row_no) FROM checkpoint WHERE source_no = ?")) {
                ps.setLong(1, number);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    min = rs.getLong(1);
                    boolean none = rs.wasNull();
                    max = none ? min - 1 : rs.getLong(2);
                }
            }
            int deleted = 0;
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM checkpoint WHERE source_no = ? AND row_no >= ? AND row_no < ?")) {
                for (long from = min; from <= max; from += DELETE_CHUNK) {
                    ps.setLong(1, number);
                    ps.setLong(2, from);
                    ps.setLong(3, from + DELETE_CHUNK);
                    deleted += ps.executeUpdate();
                }
            }
            sourceNumbers.remove(sourceId);
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM checkpoint_source WHERE source_no = ?")) {
                ps.setLong(1, number);
                ps.executeUpdate();
            }
            return deleted;
        } catch (SQLException e) {
            throw new StateStore.StateStoreException("checkpoint update failed: " + e.getMessage(), e);
        }
    }

    /** Forgets checkpoints recorded before {@code cutoff}; returns how many. */
    public int purgeOlderThan(Instant cutoff) {
        try (Connection c = dataSource.getConnection()) {
            int deleted;
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM checkpoint WHERE recorded_at < ?")) {
                ps.setTimestamp(1, Timestamp.from(cutoff));
                deleted = ps.executeUpdate();
            }
            // sources numbered before the cutoff that have no checkpoint left
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM checkpoint_source s WHERE s.created_at < ? "
                    + "AND NOT EXISTS (SELECT 1 FROM checkpoint r WHERE r.source_no = s.source_no)")) {
                ps.setTimestamp(1, Timestamp.from(cutoff));
                if (ps.executeUpdate() > 0) {
                    sourceNumbers.clear();
                }
            }
            return deleted;
        } catch (SQLException e) {
            throw new StateStore.StateStoreException("cannot purge checkpoints", e);
        }
    }

    /** Rows of a source that have a checkpoint. */
    public long count(String sourceId) {
        flush();
        try (Connection c = dataSource.getConnection()) {
            Long number = sourceNumber(c, sourceId);
            if (number == null) {
                return 0;
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT COUNT(*) FROM checkpoint WHERE source_no = ?")) {
                ps.setLong(1, number);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        } catch (SQLException e) {
            throw new StateStore.StateStoreException("cannot count checkpoints", e);
        }
    }


    private static void text(PreparedStatement ps, int index, String value, int max) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.VARCHAR);
        } else {
            ps.setString(index, value.length() > max ? value.substring(0, max - 1) + "…" : value);
        }
    }
}
