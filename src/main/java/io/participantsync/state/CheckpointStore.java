package io.participantsync.state;

import io.participantsync.core.Checkpoint;
import io.participantsync.core.Checkpoints;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The core's {@link Checkpoints} in the state store (tables {@code checkpoint_piece} and {@code checkpoint_source},
 * migrations V3 to V5): every row's write-ahead mark, then its outcome. A source gets its number when its first row is
 * written (kept in memory from then on). Marks and outcomes are stored in <i>pieces</i>: each commit of the writer
 * adds, per source and bucket of {@value #BUCKET_ROWS} source rows it touched, one row holding those rows' marks and
 * outcomes as JSON ({@link CheckpointCodec}; a mark's outcome reads {@code sending}). A busy {@code sync} commits about
 * 70 rows at a time, so this inserts one B-tree row where a table of one row per record inserted 70 and then updated
 * 70: those per-row operations, not the bytes, were what checkpointing cost (measured in BENCHMARKS.md). A row's
 * outcome stands over its mark; a row whose outcome was saved twice (two batches of one source at once) is in two
 * pieces, and the outcome committed first stands.
 * <p>
 * Rows of a source are deleted once that source is settled (its file archived, its HTTP body released, its
 * {@code sync} run finished); queue messages are acknowledged after the batch returns, which the service cannot
 * observe, so theirs stay until {@link #purgeOlderThan} (by {@code checkpoint.retention-hours}).
 * <p>
 * <b>Look-ups.</b> {@link #find} reads the pieces of the row's bucket and keeps the bucket (at most
 * {@value #CACHED_BUCKETS}, each for at most a second), so a resumed source read in order reads each bucket about
 * once; the writer adds what it commits to the buckets kept. Another instance's commits to a kept bucket are seen
 * within that second (two instances working on one source at once is a race the at-least-once rule covers anyway).
 * <p>
 * <b>Group commit.</b> One writer thread commits marks and outcomes, many per transaction: a commit of the embedded
 * H2 store writes its changed pages to disk, so one commit per record would cost more than the record's HTTP call.
 * A mark waits with the others of the flush interval (its record waits without a thread: {@link #mark} calls back
 * after the commit; records are marked well before their turn to call, so the wait costs no throughput). With a
 * {@code flushInterval} of zero, everything is committed as soon as the writer is free and {@link #save} returns once
 * its row is committed. With a positive interval, {@link #save} returns at once and the writer commits what has
 * gathered at most that long after it arrived; at most {@code maxPending} outcomes are ever uncommitted (a save beyond
 * that waits), so a kill loses at most that many, and each of those rows still has its mark: it is reconciled, not
 * sent blindly, after the restart. Uncommitted marks and outcomes are seen by {@link #find} and {@link #exists}, and
 * {@link #deleteSource} and {@link #count} first wait for them. {@link #close} commits what is left.
 */
public final class CheckpointStore implements Checkpoints, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);

    /** SQLState of a unique-key violation, the same in H2 and PostgreSQL. */
    private static final String UNIQUE_VIOLATION = "23505";
    /** Source rows per bucket: a piece never spans two buckets. */
    public static final int BUCKET_ROWS = 1024;
    /** Longest text of one piece (the column holds 1,000,000 characters); a longer piece is split. */
    static final int MAX_PIECE_CHARS = 900_000;
    /** Buckets deleted per transaction (about 10,000 rows: on H2 the undo log of a transaction lives in the heap). */
    private static final int DELETE_BUCKETS = 10;
    /** Source numbers kept in memory (the sources of the batches in flight, with room to spare). */
    static final int KNOWN_SOURCES = 4096;
    /** Buckets of looked-up rows kept in memory, and for how long. */
    static final int CACHED_BUCKETS = 16;
    private static final long CACHE_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** Inserts one piece: source number, bucket, row count, newest recorded_at, the checkpoints' text. */
    public static final String INSERT_PIECE = "INSERT INTO checkpoint_piece (source_no, bucket, row_count, "
            + "recorded_at, checkpoints) VALUES (?, ?, ?, ?, ?)";

    private final DataSource dataSource;
    private final long flushNanos;
    private final int maxPending;
    private final ReentrantLock lock = new ReentrantLock();
    /** The writer waits here for saves, a flush request or the close. */
    private final Condition work = lock.newCondition();
    /** Savers and flushers wait here for a commit. */
    private final Condition committedChanged = lock.newCondition();
    // guarded by lock:
    /** Marks and outcomes not yet taken by the writer, by source id and row (a row's first outcome stands). */
    private Map<RowKey, Pending> pending = new LinkedHashMap<>();
    /** The marks and outcomes the writer is committing now. */
    private Map<RowKey, Pending> writing = Map.of();
    private int pendingOutcomes;
    private int pendingMarks;
    /** Saves accepted, and saves committed (or failed), by sequence number. */
    private long accepted;
    private long committed;
    private long firstPendingNanos;
    private boolean flushNow;
    private boolean closed;
    private volatile Thread writer;
    /** Buckets read by {@link #find}, least recently used first; a commit adds its checkpoints to them. */
    private final Map<BucketKey, Bucket> buckets = new LinkedHashMap<>(32, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<BucketKey, Bucket> eldest) {
            return size() > CACHED_BUCKETS;
        }
    };
    /** Changes when buckets may have been committed or deleted: a bucket read across a change is not kept. */
    private long bucketsVersion;
    private final AtomicLong saves = new AtomicLong();
    private final AtomicLong marks = new AtomicLong();
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
    private final AtomicLong bucketReads = new AtomicLong();

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

    /** The bucket of a source row. */
    public static long bucket(long row) {
        return Math.floorDiv(row, BUCKET_ROWS);
    }

    @Override
    public Optional<Checkpoint> find(String sourceId, long row) {
        BucketKey at = new BucketKey(sourceId, bucket(row));
        long version;
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
            Bucket kept = buckets.get(at);
            if (kept != null && System.nanoTime() - kept.readNanos < CACHE_NANOS) {
                return Optional.ofNullable(kept.rows.get(row));
            }
            version = bucketsVersion;
        } finally {
            lock.unlock();
        }
        Bucket read;
        try (Connection c = dataSource.getConnection()) {
            Long number = sourceNumber(c, sourceId);
            read = number == null ? new Bucket(new HashMap<>()) : readBucket(c, sourceId, number, at.bucket);
        } catch (SQLException e) {
            throw new StateStore.StateStoreException("cannot read checkpoint", e);
        }
        lock.lock();
        try {
            // a commit or delete since the read may have changed the bucket: use what was read, keep it only if not
            if (version == bucketsVersion) {
                buckets.put(at, read);
            }
        } finally {
            lock.unlock();
        }
        return Optional.ofNullable(read.rows.get(row));
    }

    /** The marks and outcomes of one bucket of a source: each row's first outcome, else its mark. */
    private Bucket readBucket(Connection c, String sourceId, long number, long bucket) throws SQLException {
        bucketReads.incrementAndGet();
        Map<Long, Checkpoint> rows = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT checkpoints FROM checkpoint_piece "
                + "WHERE source_no = ? AND bucket = ? ORDER BY piece_no")) {
            ps.setLong(1, number);
            ps.setLong(2, bucket);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    for (Checkpoint cp : CheckpointCodec.decode(sourceId, rs.getString(1))) {
                        keep(rows, cp);
                    }
                }
            }
        }
        return new Bucket(rows);
    }

    /** Adds {@code cp} to a row's state: an outcome stands over a mark, and the first outcome over later ones. */
    private static void keep(Map<Long, Checkpoint> rows, Checkpoint cp) {
        Checkpoint before = rows.get(cp.row());
        if (before == null || before.inDoubt() && !cp.inDoubt()) {
            rows.put(cp.row(), cp);
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
                    "SELECT 1 FROM checkpoint_piece WHERE source_no = ? FETCH FIRST 1 ROWS ONLY")) {
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
     * Queues a write-ahead mark; the writer commits it with the others of the flush interval and then calls
     * {@code done} (on its own thread). A row that already has a mark or an outcome pending keeps it, and its commit
     * answers this mark too.
     */
    @Override
    public void mark(Checkpoint mark, Consumer<RuntimeException> done) {
        if (!mark.inDoubt()) {
            throw new IllegalArgumentException("not a mark: " + mark);
        }
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("the checkpoint store is closed");
            }
            startWriter();
            if (pending.isEmpty()) {
                firstPendingNanos = System.nanoTime();
            }
            RowKey key = new RowKey(mark.sourceId(), mark.row());
            Pending earlier = pending.get(key);
            if (earlier != null) {
                earlier.callbacks.add(done);
            } else {
                Pending mine = new Pending(mark);
                mine.callbacks.add(done);
                pending.put(key, mine);
                pendingMarks++;
            }
            accepted++;
            if (flushNanos == 0 || pendingMarks >= Math.max(1, maxPending / 2)) {
                flushNow = true;
            }
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Saves an outcome: committed when this returns if the flush interval is zero (the failure, if any, is thrown),
     * otherwise within the interval (a failure is logged). Waits while {@code maxPending} outcomes are uncommitted,
     * except on the writer's own thread (a record resumed by a mark's commit may end there).
     */
    @Override
    public void save(Checkpoint cp) {
        if (cp.inDoubt()) {
            throw new IllegalArgumentException("not an outcome: " + cp);
        }
        Pending mine = new Pending(cp);
        boolean onWriter = Thread.currentThread() == writer;
        lock.lock();
        try {
            while (!closed && !onWriter && pendingOutcomes + outcomesIn(writing.values()) >= maxPending) {
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
            Pending earlier = pending.get(key);
            if (earlier == null) {
                pending.put(key, mine);
                pendingOutcomes++;
            } else if (earlier.checkpoint.inDoubt()) {
                // its mark is not committed yet: the outcome goes in its place (and answers the mark's callers)
                mine.callbacks.addAll(earlier.callbacks);
                pending.put(key, mine);
                pendingMarks--;
                pendingOutcomes++;
            }
            // else: the first outcome of a row stands
            mine.sequence = ++accepted;
            if (flushNanos == 0 || pendingOutcomes >= Math.max(1, maxPending / 2)) {
                flushNow = true;
            }
            work.signal();
            if (flushNanos > 0 || onWriter) {
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

    private static int outcomesIn(Iterable<Pending> writes) {
        int n = 0;
        for (Pending p : writes) {
            if (!p.checkpoint.inDoubt()) {
                n++;
            }
        }
        return n;
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

    /** Outcomes saved so far (with {@link #commits()}: how many each commit carried on average). */
    public long saves() {
        return saves.get();
    }

    /** Marks committed so far. */
    public long marks() {
        return marks.get();
    }

    /** Source numbers held in memory now (at most {@link #KNOWN_SOURCES}). */
    int knownSources() {
        return sourceNumbers.size();
    }

    /** Buckets {@link #find} has read from the database so far. */
    long bucketReads() {
        return bucketReads.get();
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
                pendingOutcomes = 0;
                pendingMarks = 0;
                long upTo = accepted;
                List<Pending> batch = new ArrayList<>(writing.values());
                lock.unlock();
                try {
                    write(batch);
                } catch (RuntimeException | Error e) {
                    LOG.error("checkpoint writer failed", e);
                } finally {
                    lock.lock();
                    keepInBuckets(batch);
                    writing = Map.of();
                    committed = upTo;
                    committedChanged.signalAll();
                }
                lock.unlock();
                try {
                    answerMarks(batch);
                } finally {
                    lock.lock();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Tells the callers of the batch's marks that they are committed (or why not), off the writer's lock. */
    private static void answerMarks(List<Pending> batch) {
        for (Pending p : batch) {
            for (Consumer<RuntimeException> done : p.callbacks) {
                try {
                    done.accept(p.failure);
                } catch (RuntimeException e) {
                    LOG.error("a record resumed after its mark failed outside its route", e);
                }
            }
        }
    }

    /** Adds committed checkpoints to the buckets kept for {@link #find} (under the lock, before they leave writing). */
    private void keepInBuckets(List<Pending> batch) {
        bucketsVersion++;
        if (buckets.isEmpty()) {
            return;
        }
        for (Pending p : batch) {
            if (p.failure == null) {
                Bucket kept = buckets.get(new BucketKey(p.checkpoint.sourceId(), bucket(p.checkpoint.row())));
                if (kept != null) {
                    keep(kept.rows, p.checkpoint);
                }
            }
        }
    }

    /** Writes {@code batch} in one transaction: a piece per source and bucket. */
    private void write(List<Pending> batch) {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            try {
                // sources are numbered (and committed) before their pieces: a rolled-back group leaves no number
                c.setAutoCommit(true);
                for (Pending p : batch) {
                    p.sourceNo = numberSource(c, p.checkpoint.sourceId(), p.checkpoint.recordedAt());
                }
                c.setAutoCommit(false);
                try (PreparedStatement ps = c.prepareStatement(INSERT_PIECE)) {
                    for (Map.Entry<PieceKey, List<Checkpoint>> piece : pieces(batch).entrySet()) {
                        addPieces(ps, piece.getKey().sourceNo(), piece.getValue());
                    }
                    ps.executeBatch();
                    c.commit();
                    commits.incrementAndGet();
                } catch (SQLException e) {
                    c.rollback();
                    throw e;
                }
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            StateStore.StateStoreException failure = new StateStore.StateStoreException("cannot save checkpoint", e);
            batch.forEach(p -> p.failure = failure);
        } finally {
            long outcomes = outcomesIn(batch);
            saves.addAndGet(outcomes);
            marks.addAndGet(batch.size() - outcomes);
            if (flushNanos > 0) {
                long failed = batch.stream().filter(p -> p.failure != null && !p.checkpoint.inDoubt()).count();
                if (failed > 0) {
                    // the outcomes stand: those records are merely not known as done should the process crash
                    LOG.warn("cannot save {} checkpoint(s): {}", failed, batch.stream()
                            .filter(p -> p.failure != null).findFirst().map(p -> p.failure.getCause() == null
                                    ? p.failure.getMessage() : p.failure.getCause().toString()).orElse(""));
                }
            }
        }
    }

    /** The checkpoints of {@code batch} by source number and bucket, each piece in row order. */
    private static Map<PieceKey, List<Checkpoint>> pieces(List<Pending> batch) {
        Map<PieceKey, List<Checkpoint>> by = new LinkedHashMap<>();
        for (Pending p : batch) {
            by.computeIfAbsent(new PieceKey(p.sourceNo, bucket(p.checkpoint.row())), k -> new ArrayList<>())
                    .add(p.checkpoint);
        }
        by.values().forEach(piece -> piece.sort(Comparator.comparingLong(Checkpoint::row)));
        return by;
    }

    /**
     * Adds to the batch of {@code insert} ({@link #INSERT_PIECE}) the checkpoints of one source and bucket: one
     * piece, or several when its text would be longer than {@value #MAX_PIECE_CHARS} characters.
     */
    public static void addPieces(PreparedStatement insert, long sourceNo, List<Checkpoint> sameBucket)
            throws SQLException {
        String text = CheckpointCodec.encode(sameBucket);
        if (text.length() > MAX_PIECE_CHARS && sameBucket.size() > 1) {
            int half = sameBucket.size() / 2;
            addPieces(insert, sourceNo, sameBucket.subList(0, half));
            addPieces(insert, sourceNo, sameBucket.subList(half, sameBucket.size()));
            return;
        }
        Instant newest = sameBucket.stream().map(Checkpoint::recordedAt).max(Instant::compareTo).orElseThrow();
        insert.setLong(1, sourceNo);
        insert.setLong(2, bucket(sameBucket.get(0).row()));
        insert.setInt(3, sameBucket.size());
        insert.setTimestamp(4, Timestamp.from(newest));
        insert.setString(5, text);
        insert.addBatch();
    }

    private record RowKey(String sourceId, long row) {
    }

    private record BucketKey(String sourceId, long bucket) {
    }

    private record PieceKey(long sourceNo, long bucket) {
    }

    /** A bucket's checkpoints by row, as read at {@code readNanos} (plus what this store committed since). */
    private static final class Bucket {
        final Map<Long, Checkpoint> rows;
        final long readNanos = System.nanoTime();

        Bucket(Map<Long, Checkpoint> rows) {
            this.rows = rows;
        }
    }

    /** A mark or an outcome waiting for its commit. */
    private static final class Pending {
        final Checkpoint checkpoint;
        /** Told of the commit: the callers waiting for this row's mark. */
        final List<Consumer<RuntimeException>> callbacks = new ArrayList<>(1);
        long sequence;
        /** Its source's number, once the writer has it. */
        long sourceNo;
        volatile StateStore.StateStoreException failure;

        Pending(Checkpoint checkpoint) {
            this.checkpoint = checkpoint;
        }
    }

    /**
     * Forgets a settled source; returns how many marks and outcomes it had (a row marked, then given its outcome,
     * counts twice). Deleted
     * {@value #DELETE_BUCKETS} buckets per transaction, so a source of a million rows never makes one transaction of
     * all of them (on H2 its undo log lives in the heap).
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
            int count;
            try (PreparedStatement ps = c.prepareStatement("SELECT MIN(bucket), MAX(bucket), SUM(row_count) "
                    + "FROM checkpoint_piece WHERE source_no = ?")) {
                ps.setLong(1, number);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    min = rs.getLong(1);
                    boolean none = rs.wasNull();
                    max = none ? min - 1 : rs.getLong(2);
                    count = rs.getInt(3);
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM checkpoint_piece WHERE source_no = ? AND bucket >= ? AND bucket < ?")) {
                for (long from = min; from <= max; from += DELETE_BUCKETS) {
                    ps.setLong(1, number);
                    ps.setLong(2, from);
                    ps.setLong(3, from + DELETE_BUCKETS);
                    ps.executeUpdate();
                }
            }
            sourceNumbers.remove(sourceId);
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM checkpoint_source WHERE source_no = ?")) {
                ps.setLong(1, number);
                ps.executeUpdate();
            }
            forgetBuckets(sourceId);
            return count;
        } catch (SQLException e) {
            throw new StateStore.StateStoreException("checkpoint update failed: " + e.getMessage(), e);
        }
    }

    /** Drops the kept buckets of {@code sourceId}, or all of them when it is null. */
    private void forgetBuckets(String sourceId) {
        lock.lock();
        try {
            bucketsVersion++;
            if (sourceId == null) {
                buckets.clear();
            } else {
                buckets.keySet().removeIf(k -> k.sourceId.equals(sourceId));
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Forgets checkpoints recorded before {@code cutoff} (a piece goes when the newest of its checkpoints is older);
     * returns how many.
     */
    public int purgeOlderThan(Instant cutoff) {
        try (Connection c = dataSource.getConnection()) {
            int deleted;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT COALESCE(SUM(row_count), 0) FROM checkpoint_piece WHERE recorded_at < ?")) {
                ps.setTimestamp(1, Timestamp.from(cutoff));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    deleted = rs.getInt(1);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM checkpoint_piece WHERE recorded_at < ?")) {
                ps.setTimestamp(1, Timestamp.from(cutoff));
                ps.executeUpdate();
            }
            // sources numbered before the cutoff that have no checkpoint left
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM checkpoint_source s WHERE s.created_at < ? "
                    + "AND NOT EXISTS (SELECT 1 FROM checkpoint_piece p WHERE p.source_no = s.source_no)")) {
                ps.setTimestamp(1, Timestamp.from(cutoff));
                if (ps.executeUpdate() > 0) {
                    sourceNumbers.clear();
                }
            }
            forgetBuckets(null);
            return deleted;
        } catch (SQLException e) {
            throw new StateStore.StateStoreException("cannot purge checkpoints", e);
        }
    }

    /** Rows of a source whose write-ahead mark stands without an outcome. */
    public long inDoubt(String sourceId) {
        flush();
        try (Connection c = dataSource.getConnection()) {
            Long number = sourceNumber(c, sourceId);
            if (number == null) {
                return 0;
            }
            Map<Long, Checkpoint> rows = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT checkpoints FROM checkpoint_piece WHERE source_no = ? ORDER BY piece_no")) {
                ps.setLong(1, number);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        for (Checkpoint cp : CheckpointCodec.decode(sourceId, rs.getString(1))) {
                            keep(rows, cp);
                        }
                    }
                }
            }
            return rows.values().stream().filter(Checkpoint::inDoubt).count();
        } catch (SQLException e) {
            throw new StateStore.StateStoreException("cannot count checkpoints", e);
        }
    }

    /** Rows of a source that have a mark or an outcome. */
    public long count(String sourceId) {
        flush();
        try (Connection c = dataSource.getConnection()) {
            Long number = sourceNumber(c, sourceId);
            if (number == null) {
                return 0;
            }
            long[] rows = new long[64];
            int n = 0;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT checkpoints FROM checkpoint_piece WHERE source_no = ?")) {
                ps.setLong(1, number);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        for (Checkpoint cp : CheckpointCodec.decode(sourceId, rs.getString(1))) {
                            if (n == rows.length) {
                                rows = Arrays.copyOf(rows, n * 2);
                            }
                            rows[n++] = cp.row();
                        }
                    }
                }
            }
            Arrays.sort(rows, 0, n);
            long distinct = 0;
            for (int i = 0; i < n; i++) {
                if (i == 0 || rows[i] != rows[i - 1]) {
                    distinct++;
                }
            }
            return distinct;
        } catch (SQLException e) {
            throw new StateStore.StateStoreException("cannot count checkpoints", e);
        }
    }
}
