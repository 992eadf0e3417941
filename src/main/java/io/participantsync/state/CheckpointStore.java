package io.participantsync.state;

import io.participantsync.core.Checkpoint;
import io.participantsync.core.Checkpoints;
import io.participantsync.model.Outcome;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
 * The core's {@link Checkpoints} in the state store: the plain table {@code checkpoint}, one row per source row
 * (migration V6), keyed by the source's number ({@code checkpoint_source}, given when its first row is written) and
 * the row. A row's {@code state} is {@code sending} from its write-ahead mark until its outcome replaces it.
 * <p>
 * <b>Group commit.</b> One writer thread commits marks and outcomes, many per transaction (a commit of the embedded
 * H2 store writes its changed pages to disk, so one commit per record would cost more than the record's HTTP call).
 * Marks and outcomes wait up to {@code flushInterval} to be committed with others (a mark's record waits for it
 * without a thread: {@link #mark} calls back after the commit; records are marked well before their turn to call, so
 * the wait costs no throughput); with an interval of zero each is committed as soon as the writer is free, and
 * {@link #save} returns once its row is committed. At most {@code maxPending} outcomes are ever uncommitted (a save
 * beyond that waits), so a kill loses at most that many, and each of those rows still has its mark: it is reconciled,
 * not sent blindly, after the restart. Uncommitted writes are seen by {@link #find} and {@link #exists};
 * {@link #deleteSource} and {@link #count} first wait for them. {@link #close} commits what is left.
 * <p>
 * <b>Look-ups.</b> {@link #find} reads the {@value #CHUNK_ROWS} rows around the one asked for and keeps them (at most
 * {@value #CACHED_CHUNKS} chunks, each for at most a second), so a resumed source read in order reads each chunk about
 * once; the writer adds what it commits to the chunks kept.
 * <p>
 * Rows of a source are deleted once that source is settled (its file archived, its HTTP body released, its
 * {@code sync} run finished); queue messages are acknowledged after the batch returns, which the service cannot
 * observe, so theirs stay until {@link #purgeOlderThan} (by {@code checkpoint.retention-hours}).
 */
public final class CheckpointStore implements Checkpoints, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);

    /** SQLState of a unique-key violation, the same in H2 and PostgreSQL. */
    private static final String UNIQUE_VIOLATION = "23505";
    /** The state of a row whose mark stands (its call may have gone out). */
    public static final String SENDING = "sending";
    /** Rows read together by {@link #find}. */
    static final int CHUNK_ROWS = 1024;
    /** Chunks of looked-up rows kept in memory, and for how long. */
    static final int CACHED_CHUNKS = 16;
    private static final long CACHE_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Rows deleted per statement (on H2 the undo log of a transaction lives in the heap). */
    private static final int DELETE_ROWS = 10_000;
    /** Source numbers kept in memory (the sources of the batches in flight, with room to spare). */
    static final int KNOWN_SOURCES = 4096;
    /** Longest message and provider message kept (the columns' size). */
    private static final int MAX_TEXT = 4000;

    private static final String COLUMNS = "state, connection_name, error_category, message, http_status, "
            + "provider_code, provider_message, attempts, dead_letter, batch_id, recorded_at";
    private static final String INSERT = "INSERT INTO checkpoint (source_no, row_no, " + COLUMNS
            + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    /** An outcome replaces the row's mark; an outcome that already stands is kept. */
    private static final String REPLACE_MARK = "UPDATE checkpoint SET state = ?, connection_name = ?, "
            + "error_category = ?, message = ?, http_status = ?, provider_code = ?, provider_message = ?, "
            + "attempts = ?, dead_letter = ?, batch_id = ?, recorded_at = ? WHERE source_no = ? AND row_no = ? "
            + "AND state = '" + SENDING + "'";

    private final DataSource dataSource;
    private final long flushNanos;
    private final int maxPending;
    private final ReentrantLock lock = new ReentrantLock();
    /** The writer waits here for writes, a flush request or the close. */
    private final Condition work = lock.newCondition();
    /** Savers and flushers wait here for a commit. */
    private final Condition committedChanged = lock.newCondition();
    // guarded by lock:
    /** Writes not yet taken by the writer, by source id and row. */
    private Map<RowKey, Write> pending = new LinkedHashMap<>();
    /** The writes being committed now. */
    private Map<RowKey, Write> writing = Map.of();
    private int pendingOutcomes;
    private int pendingMarks;
    /** Writes accepted, and writes committed (or failed), by sequence number. */
    private long accepted;
    private long committed;
    private long firstPendingNanos;
    private boolean flushNow;
    private boolean closed;
    private volatile Thread writer;
    /** Chunks read by {@link #find}, least recently used first; a commit adds its rows to them. */
    private final Map<ChunkKey, Chunk> chunks = new LinkedHashMap<>(32, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ChunkKey, Chunk> eldest) {
            return size() > CACHED_CHUNKS;
        }
    };
    /** Changes when rows may have been committed or deleted: a chunk read across a change is not kept. */
    private long chunksVersion;
    /**
     * Numbers of the sources used last, once read or given (a source deleted or purged is forgotten). Bounded: every
     * queue message is a source of its own, kept until the retention purge.
     */
    private final Map<String, Long> sourceNumbers = Collections.synchronizedMap(
            new LinkedHashMap<>(256, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                    return size() > KNOWN_SOURCES;
                }
            });
    private final AtomicLong saves = new AtomicLong();
    private final AtomicLong marks = new AtomicLong();
    private final AtomicLong commits = new AtomicLong();
    private final AtomicLong chunkReads = new AtomicLong();

    /** Each save committed before it returns. */
    public CheckpointStore(StateStore store) {
        this(store.dataSource(), Duration.ZERO, 1);
    }

    /** Each save committed before it returns. */
    public CheckpointStore(DataSource dataSource) {
        this(dataSource, Duration.ZERO, 1);
    }

    /**
     * @param flushInterval how long an outcome may stay uncommitted ({@code checkpoint.flush-ms}); zero: until its
     *                      {@link #save} returns
     * @param maxPending    outcomes that may be uncommitted at once ({@code checkpoint.max-pending}); ignored when
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
        ChunkKey at = new ChunkKey(sourceId, Math.floorDiv(row, CHUNK_ROWS));
        long version;
        lock.lock();
        try {
            RowKey key = new RowKey(sourceId, row);
            Write w = pending.get(key);
            if (w == null) {
                w = writing.get(key);
            }
            if (w != null) {
                return Optional.of(w.checkpoint);
            }
            Chunk kept = chunks.get(at);
            if (kept != null && System.nanoTime() - kept.readNanos < CACHE_NANOS) {
                return Optional.ofNullable(kept.rows.get(row));
            }
            version = chunksVersion;
        } finally {
            lock.unlock();
        }
        Chunk read;
        try (Connection c = dataSource.getConnection()) {
            Long number = sourceNumber(c, sourceId);
            read = number == null ? new Chunk(new HashMap<>()) : readChunk(c, sourceId, number, at.chunk);
        } catch (SQLException e) {
            throw new StateStore.StateStoreException("cannot read checkpoint", e);
        }
        lock.lock();
        try {
            // a commit or delete since the read may have changed the chunk: use what was read, keep it only if not
            if (version == chunksVersion) {
                chunks.put(at, read);
            }
        } finally {
            lock.unlock();
        }
        return Optional.ofNullable(read.rows.get(row));
    }

    private Chunk readChunk(Connection c, String sourceId, long number, long chunk) throws SQLException {
        chunkReads.incrementAndGet();
        Map<Long, Checkpoint> rows = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT row_no, " + COLUMNS + " FROM checkpoint "
                + "WHERE source_no = ? AND row_no >= ? AND row_no < ?")) {
            ps.setLong(1, number);
            ps.setLong(2, chunk * CHUNK_ROWS);
            ps.setLong(3, (chunk + 1) * CHUNK_ROWS);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Checkpoint cp = read(sourceId, rs);
                    rows.put(cp.row(), cp);
                }
            }
        }
        return new Chunk(rows);
    }

    private static Checkpoint read(String sourceId, ResultSet rs) throws SQLException {
        String state = rs.getString(2);
        Outcome outcome = SENDING.equals(state) ? null : Outcome.valueOf(state.toUpperCase(Locale.ROOT));
        return new Checkpoint(sourceId, rs.getLong(1), outcome, rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getInt(6), rs.getString(7), rs.getString(8), rs.getInt(9), rs.getString(10), rs.getString(11),
                rs.getTimestamp(12).toInstant(), outcome == null);
    }

    /** The number of {@code sourceId}, or {@code null} when it has none (no row of it was ever written). */
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
     * Queues a write-ahead mark; the writer commits it with the others of the flush interval and then calls
     * {@code done} (on its own thread). A row that already has a mark or an outcome pending keeps it.
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
            Write w = new Write(mark, done);
            if (pending.isEmpty()) {
                firstPendingNanos = System.nanoTime();
            }
            Write earlier = pending.putIfAbsent(new RowKey(mark.sourceId(), mark.row()), w);
            if (earlier != null) {
                // the row is written in this group already: its commit answers this mark too
                earlier.also(done);
            } else {
                pendingMarks++;
            }
            w.sequence = ++accepted;
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
        Write mine = new Write(cp, null);
        boolean onWriter = Thread.currentThread() == writer;
        lock.lock();
        try {
            while (!closed && !onWriter && pendingOutcomes + outcomesIn(writing) >= maxPending) {
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
            Write earlier = pending.get(key);
            if (earlier == null) {
                pending.put(key, mine);
                pendingOutcomes++;
            } else if (earlier.checkpoint.inDoubt()) {
                // its mark was never committed: the outcome goes in its place (and answers the mark's callers)
                mine = new Write(new Checkpoint(cp.sourceId(), cp.row(), cp.outcome(), cp.connection(),
                        cp.category(), cp.message(), cp.httpStatus(), cp.providerCode(), cp.providerMessage(),
                        cp.attempts(), cp.deadLetter(), cp.batchId(), cp.recordedAt(), false), null);
                earlier.callbacks.forEach(mine::also);
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

    private static int outcomesIn(Map<RowKey, Write> writes) {
        int n = 0;
        for (Write w : writes.values()) {
            if (!w.checkpoint.inDoubt()) {
                n++;
            }
        }
        return n;
    }

    /** Returns once every write accepted so far is committed (or has failed). */
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

    /** Commits what is pending and stops the writer; later writes fail. */
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
        if (w != null && w != Thread.currentThread()) {
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

    /** Commits that wrote checkpoints so far. */
    public long commits() {
        return commits.get();
    }

    /** Source numbers held in memory now (at most {@link #KNOWN_SOURCES}). */
    int knownSources() {
        return sourceNumbers.size();
    }

    /** Chunks {@link #find} has read from the database so far. */
    long chunkReads() {
        return chunkReads.get();
    }

    private void startWriter() {
        if (writer == null) {
            writer = new Thread(this::writeLoop, "checkpoint-writer");
            writer.setDaemon(true);
            writer.start();
        }
    }

    /**
     * The writer: commits what is pending once the interval since the first of it has passed (at once when asked to
     * flush, or when many are pending), then answers the marks' callers.
     */
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
                pendingMarks = 0;
                pendingOutcomes = 0;
                long upTo = accepted;
                List<Write> batch = new ArrayList<>(writing.values());
                lock.unlock();
                try {
                    write(batch);
                } catch (RuntimeException | Error e) {
                    LOG.error("checkpoint writer failed", e);
                } finally {
                    lock.lock();
                    keepInChunks(batch);
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

    private static void answerMarks(List<Write> batch) {
        for (Write w : batch) {
            for (Consumer<RuntimeException> done : w.callbacks) {
                try {
                    done.accept(w.failure);
                } catch (RuntimeException e) {
                    LOG.error("a record resumed after its mark failed outside its route", e);
                }
            }
        }
    }

    /** Adds committed rows to the chunks kept for {@link #find} (under the lock, before they leave writing). */
    private void keepInChunks(List<Write> batch) {
        chunksVersion++;
        if (chunks.isEmpty()) {
            return;
        }
        for (Write w : batch) {
            Checkpoint cp = w.checkpoint;
            if (w.failure == null) {
                Chunk kept = chunks.get(new ChunkKey(cp.sourceId(), Math.floorDiv(cp.row(), CHUNK_ROWS)));
                if (kept != null) {
                    Checkpoint before = kept.rows.get(cp.row());
                    if (before == null || before.inDoubt() && !cp.inDoubt()) {
                        kept.rows.put(cp.row(), cp);
                    }
                }
            }
        }
    }

    /** Writes {@code batch} in one transaction: new rows inserted, outcomes of marked rows in place of the mark. */
    private void write(List<Write> batch) {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            try {
                // sources are numbered (and committed) before their rows: a rolled-back group leaves no number
                c.setAutoCommit(true);
                for (Write w : batch) {
                    w.sourceNo = numberSource(c, w.checkpoint.sourceId(), w.checkpoint.recordedAt());
                }
                c.setAutoCommit(false);
                try {
                    writeBatched(c, batch);
                    c.commit();
                } catch (SQLException e) {
                    c.rollback();
                    if (!UNIQUE_VIOLATION.equals(e.getSQLState()) && !hasUniqueViolation(e)) {
                        throw e;
                    }
                    // a row written twice (two batches of one source at once): one row at a time, the first stands
                    c.setAutoCommit(true);
                    writeOneByOne(c, batch);
                }
                commits.incrementAndGet();
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            StateStore.StateStoreException failure = new StateStore.StateStoreException("cannot save checkpoint", e);
            batch.forEach(w -> w.failure = failure);
        } finally {
            long outcomes = outcomesIn(batch);
            saves.addAndGet(outcomes);
            marks.addAndGet(batch.size() - outcomes);
            long failed = batch.stream().filter(w -> w.failure != null && !w.checkpoint.inDoubt()).count();
            if (failed > 0 && flushNanos > 0) {
                // the outcomes stand: those records are merely not known as done should the process crash
                LOG.warn("cannot save {} checkpoint(s): {}", failed, batch.stream().filter(w -> w.failure != null)
                        .findFirst().map(w -> w.failure.getCause() == null ? w.failure.getMessage()
                                : w.failure.getCause().toString()).orElse(""));
            }
        }
    }

    private static long outcomesIn(List<Write> batch) {
        return batch.stream().filter(w -> !w.checkpoint.inDoubt()).count();
    }

    private static boolean hasUniqueViolation(SQLException e) {
        for (SQLException next = e.getNextException(); next != null; next = next.getNextException()) {
            if (UNIQUE_VIOLATION.equals(next.getSQLState())) {
                return true;
            }
        }
        return e.getCause() instanceof SQLException cause && UNIQUE_VIOLATION.equals(cause.getSQLState());
    }

    private static void writeBatched(Connection c, List<Write> batch) throws SQLException {
        List<Write> replacing = new ArrayList<>();
        try (PreparedStatement insert = c.prepareStatement(INSERT)) {
            boolean any = false;
            for (Write w : batch) {
                if (!w.checkpoint.inDoubt() && w.checkpoint.marked()) {
                    replacing.add(w);
                } else {
                    bindInsert(insert, w);
                    insert.addBatch();
                    any = true;
                }
            }
            if (any) {
                insert.executeBatch();
            }
        }
        if (replacing.isEmpty()) {
            return;
        }
        int[] counts;
        try (PreparedStatement update = c.prepareStatement(REPLACE_MARK)) {
            for (Write w : replacing) {
                bindReplace(update, w);
                update.addBatch();
            }
            counts = update.executeBatch();
        }
        // a mark purged meanwhile, or an outcome another batch of the source saved first
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] == 0) {
                insertUnlessPresent(c, replacing.get(i));
            }
        }
    }

    /** Inserts a row unless the table has it: in autocommit or after nothing else failed in the transaction. */
    private static void insertUnlessPresent(Connection c, Write w) throws SQLException {
        try (PreparedStatement exists = c.prepareStatement(
                "SELECT 1 FROM checkpoint WHERE source_no = ? AND row_no = ?")) {
            exists.setLong(1, w.sourceNo);
            exists.setLong(2, w.checkpoint.row());
            try (ResultSet rs = exists.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
        }
        try (PreparedStatement insert = c.prepareStatement(INSERT)) {
            bindInsert(insert, w);
            insert.executeUpdate();
        }
    }

    private static void writeOneByOne(Connection c, List<Write> batch) throws SQLException {
        for (Write w : batch) {
            try {
                if (!w.checkpoint.inDoubt()) {
                    try (PreparedStatement update = c.prepareStatement(REPLACE_MARK)) {
                        bindReplace(update, w);
                        if (update.executeUpdate() > 0) {
                            continue;
                        }
                    }
                }
                insertUnlessPresent(c, w);
            } catch (SQLException e) {
                if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    throw e;
                }
                // written meanwhile by another instance: the first stands
            }
        }
    }

    private static void bindInsert(PreparedStatement ps, Write w) throws SQLException {
        ps.setLong(1, w.sourceNo);
        ps.setLong(2, w.checkpoint.row());
        bindColumns(ps, 3, w.checkpoint);
    }

    private static void bindReplace(PreparedStatement ps, Write w) throws SQLException {
        bindColumns(ps, 1, w.checkpoint);
        ps.setLong(12, w.sourceNo);
        ps.setLong(13, w.checkpoint.row());
    }

    /** The eleven {@link #COLUMNS} from {@code first} on. */
    private static void bindColumns(PreparedStatement ps, int first, Checkpoint cp) throws SQLException {
        int i = first;
        ps.setString(i++, cp.inDoubt() ? SENDING : cp.outcome().label());
        ps.setString(i++, cut(cp.connection(), 200));
        ps.setString(i++, cut(cp.category(), 40));
        ps.setString(i++, cut(cp.message(), MAX_TEXT));
        ps.setInt(i++, Math.max(cp.httpStatus(), 0));
        ps.setString(i++, cut(cp.providerCode(), 200));
        ps.setString(i++, cut(cp.providerMessage(), MAX_TEXT));
        ps.setInt(i++, cp.attempts());
        ps.setString(i++, cut(cp.deadLetter(), 1000));
        ps.setString(i++, cut(cp.batchId(), 100));
        ps.setTimestamp(i, Timestamp.from(cp.recordedAt()));
    }

    private static String cut(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max - 1) + "…";
    }

    private record RowKey(String sourceId, long row) {
    }

    private record ChunkKey(String sourceId, long chunk) {
    }

    /** A chunk's checkpoints by row, as read at {@code readNanos} (plus what this store committed since). */
    private static final class Chunk {
        final Map<Long, Checkpoint> rows;
        final long readNanos = System.nanoTime();

        Chunk(Map<Long, Checkpoint> rows) {
            this.rows = rows;
        }
    }

    /** A mark or an outcome waiting for its commit. */
    private static final class Write {
        final Checkpoint checkpoint;
        /** Told of the commit: the callers waiting for this row's mark. */
        final List<Consumer<RuntimeException>> callbacks = new ArrayList<>(1);
        long sequence;
        /** Its source's number, once the writer has it. */
        long sourceNo;
        volatile StateStore.StateStoreException failure;

        Write(Checkpoint checkpoint, Consumer<RuntimeException> done) {
            this.checkpoint = checkpoint;
            if (done != null) {
                callbacks.add(done);
            }
        }

        void also(Consumer<RuntimeException> done) {
            callbacks.add(done);
        }
    }

    /**
     * Forgets a settled source; returns how many rows it had. Deleted {@value #DELETE_ROWS} rows per statement, so a
     * source of a million rows never makes one transaction of all of them.
     */
    public int deleteSource(String sourceId) {
        // a write still pending would land after the delete and outlive its source
        flush();
        try (Connection c = dataSource.getConnection()) {
            Long number = sourceNumber(c, sourceId);
            if (number == null) {
                return 0;
            }
            long min;
            long max;
            int count;
            try (PreparedStatement ps = c.prepareStatement("SELECT MIN(row_no), MAX(row_no), COUNT(*) "
                    + "FROM checkpoint WHERE source_no = ?")) {
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
                    "DELETE FROM checkpoint WHERE source_no = ? AND row_no >= ? AND row_no < ?")) {
                for (long from = min; from <= max; from += DELETE_ROWS) {
                    ps.setLong(1, number);
                    ps.setLong(2, from);
                    ps.setLong(3, from + DELETE_ROWS);
                    ps.executeUpdate();
                }
            }
            sourceNumbers.remove(sourceId);
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM checkpoint_source WHERE source_no = ?")) {
                ps.setLong(1, number);
                ps.executeUpdate();
            }
            forgetChunks(sourceId);
            return count;
        } catch (SQLException e) {
            throw new StateStore.StateStoreException("checkpoint update failed: " + e.getMessage(), e);
        }
    }

    /** Drops the kept chunks of {@code sourceId}, or all of them when it is null. */
    private void forgetChunks(String sourceId) {
        lock.lock();
        try {
            chunksVersion++;
            if (sourceId == null) {
                chunks.clear();
            } else {
                chunks.keySet().removeIf(k -> k.sourceId.equals(sourceId));
            }
        } finally {
            lock.unlock();
        }
    }

    /** Forgets checkpoints (and marks) recorded before {@code cutoff}; returns how many. */
    public int purgeOlderThan(Instant cutoff) {
        try (Connection c = dataSource.getConnection()) {
            int deleted;
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM checkpoint WHERE recorded_at < ?")) {
                ps.setTimestamp(1, Timestamp.from(cutoff));
                deleted = ps.executeUpdate();
            }
            // sources numbered before the cutoff that have no checkpoint left
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM checkpoint_source s WHERE s.created_at < ? "
                    + "AND NOT EXISTS (SELECT 1 FROM checkpoint p WHERE p.source_no = s.source_no)")) {
                ps.setTimestamp(1, Timestamp.from(cutoff));
                if (ps.executeUpdate() > 0) {
                    sourceNumbers.clear();
                }
            }
            forgetChunks(null);
            return deleted;
        } catch (SQLException e) {
            throw new StateStore.StateStoreException("cannot purge checkpoints", e);
        }
    }

    /** Rows of a source that have a checkpoint (a mark or an outcome). */
    public long count(String sourceId) {
        return count(sourceId, false);
    }

    /** Rows of a source whose mark stands without an outcome. */
    public long inDoubt(String sourceId) {
        return count(sourceId, true);
    }

    private long count(String sourceId, boolean marksOnly) {
        flush();
        try (Connection c = dataSource.getConnection()) {
            Long number = sourceNumber(c, sourceId);
            if (number == null) {
                return 0;
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM checkpoint WHERE source_no = ?"
                    + (marksOnly ? " AND state = '" + SENDING + "'" : ""))) {
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
}
