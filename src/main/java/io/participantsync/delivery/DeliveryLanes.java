package io.participantsync.delivery;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keyed lanes that keep each participant's updates in arrival order while different participants run in parallel.
 * A lane is the queue of one participant's records (of every participant whose key a waiting or running record
 * holds: see {@link OrderingKey#after()}); it exists while it has records and runs them one at a time, first in
 * first out. A fixed set of lane threads ({@code lanes}) takes whichever lane has a record ready and no record
 * running, so a thread is never idle while some other participant has work: a record waiting for a retry holds back
 * only the later records of its own participant, not the records that would have hashed to the same thread.
 * <p>
 * Records waiting in lanes are bounded in all ({@code lanes × queuePerLane}): {@link #submit} blocks while that many
 * are waiting, so a streaming reader never runs far ahead, and blocked submitters enter in the order they came. At
 * most {@code lanes} records run at once. One instance serves every batch of the process, whatever the input.
 */
public final class DeliveryLanes implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryLanes.class);

    private final Thread[] threads;
    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    /** Lane threads wait here for a lane to become ready. */
    private final Condition ready = lock.newCondition();
    /** Submitters wait here for room. */
    private final Condition notFull = lock.newCondition();
    /** Lanes with a record waiting and none running, in the order they became ready. */
    private final ArrayDeque<Lane> readyLanes = new ArrayDeque<>();
    /** Keys of records waiting or running, with their lane: a record with a held key joins that lane. */
    private final Map<String, Hold> holds = new HashMap<>();
    /** Records submitted and not yet started. */
    private int waiting;
    private long nextTicket;
    private long serving;
    private int blockedSubmitters;
    private long laneIds;
    private volatile boolean open = true;

    /**
     * {@code lanes} threads named {@code <name>-<n>}; at most {@code lanes × queuePerLane} records wait to run.
     */
    public DeliveryLanes(int lanes, int queuePerLane, String name) {
        if (lanes < 1 || queuePerLane < 1) {
            throw new IllegalArgumentException("lanes and capacity must be at least 1");
        }
        this.capacity = Math.multiplyExact(lanes, queuePerLane);
        this.threads = new Thread[lanes];
        for (int i = 0; i < lanes; i++) {
            Thread t = new Thread(this::work, name + "-" + (i + 1));
            t.setDaemon(true);
            threads[i] = t;
        }
        for (Thread t : threads) {
            t.start();
        }
    }

    /** Lane threads: records that can run at once. */
    public int size() {
        return threads.length;
    }

    /**
     * Queues {@code task} behind every earlier task with the same key; blocks while the lanes hold their maximum of
     * waiting records. The task must not throw (anything it throws is logged) and must not submit to these lanes.
     */
    public void submit(OrderingKey key, Runnable task) {
        lock.lock();
        try {
            if (!open) {
                throw new RejectedExecutionException("delivery lanes are closed");
            }
            if (blockedSubmitters > 0 || waiting >= capacity) {
                // full: wait in turn, so records blocked on a full set of lanes enter in the order they came (and a
                // later record of a participant never finds its lane before an earlier one)
                long ticket = nextTicket++;
                blockedSubmitters++;
                while (open && (serving != ticket || waiting >= capacity)) {
                    notFull.awaitUninterruptibly();
                }
                serving++;
                blockedSubmitters--;
                notFull.signalAll();
                if (!open) {
                    throw new RejectedExecutionException("delivery lanes are closed");
                }
            }
            Lane lane = laneFor(key);
            lane.queue.add(new Task(task, hold(key, lane)));
            waiting++;
            if (!lane.running && !lane.queued) {
                lane.queued = true;
                readyLanes.add(lane);
                ready.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** For tests: the id of the lane a key would join now, or -1 when it would start a lane of its own. */
    long laneOf(OrderingKey key) {
        lock.lock();
        try {
            Hold h = heldBy(key);
            return h == null ? -1 : h.lane.id;
        } finally {
            lock.unlock();
        }
    }

    /** For tests: records submitted and not yet started. */
    int waiting() {
        lock.lock();
        try {
            return waiting;
        } finally {
            lock.unlock();
        }
    }

    private Hold heldBy(OrderingKey key) {
        Hold h = holds.get(key.key());
        if (h == null && key.after() != null) {
            h = holds.get(key.after());
        }
        return h;
    }

    private Lane laneFor(OrderingKey key) {
        Hold h = heldBy(key);
        return h != null ? h.lane : new Lane(++laneIds);
    }

    /** Holds the record's keys for its lane; a key another lane holds stays with that lane. */
    private List<String> hold(OrderingKey key, Lane lane) {
        List<String> held = new ArrayList<>(2);
        for (String k : key.held()) {
            Hold h = holds.get(k);
            if (h == null) {
                holds.put(k, new Hold(lane));
                held.add(k);
            } else if (h.lane == lane) {
                h.count++;
                held.add(k);
            }
        }
        return held;
    }

    private void releaseLocked(List<String> held) {
        for (String k : held) {
            Hold h = holds.get(k);
            if (h != null && --h.count == 0) {
                holds.remove(k);
            }
        }
    }

    /** A lane thread: runs the next record of the lane that has been ready longest, until the lanes are closed. */
    private void work() {
        while (true) {
            Lane lane;
            Task t;
            lock.lock();
            try {
                while (readyLanes.isEmpty() && open) {
                    ready.awaitUninterruptibly();
                }
                lane = readyLanes.poll();
                if (lane == null) {
                    return;
                }
                lane.queued = false;
                lane.running = true;
                t = lane.queue.poll();
                waiting--;
                if (blockedSubmitters > 0) {
                    notFull.signalAll();
                }
            } finally {
                lock.unlock();
            }
            try {
                t.work.run();
            } catch (RuntimeException | Error e) {
                LOG.error("a delivery task failed outside the error handler", e);
            } finally {
                lock.lock();
                try {
                    releaseLocked(t.held);
                    lane.running = false;
                    if (!lane.queue.isEmpty()) {
                        // behind the lanes already ready: one participant's run of records does not starve others
                        lane.queued = true;
                        readyLanes.add(lane);
                        ready.signal();
                    }
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    /** Stops taking records; the lanes finish what they hold, then their threads end (waited for up to 30 s). */
    @Override
    public void close() {
        lock.lock();
        try {
            open = false;
            ready.signalAll();
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (Thread t : threads) {
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private record Task(Runnable work, List<String> held) {
    }

    /** A key held by a lane, by {@code count} of its waiting or running records. */
    private static final class Hold {
        final Lane lane;
        int count = 1;

        Hold(Lane lane) {
            this.lane = lane;
        }
    }

    /** One participant's records (and those of the keys its records hold), first in first out. */
    private static final class Lane {
        final long id;
        final ArrayDeque<Task> queue = new ArrayDeque<>(2);
        /** A thread runs this lane's head record now. */
        boolean running;
        /** The lane is in the ready queue. */
        boolean queued;

        Lane(long id) {
            this.id = id;
        }
    }
}
