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
 * A record goes to the lane of its {@link OrderingKey} (a hash, or the lane where a record still waiting or running
 * holds the same key); each lane runs its records one at a time, first in first out, on its own thread, so a record
 * waiting for a retry keeps every later record of the same participant behind it. Lane queues are bounded:
 * {@link #submit} blocks while the lane is full, so a streaming reader never runs far ahead. One instance serves
 * every batch of the process, whatever the input.
 * <p>
 * A lane blocked by a slow participant also holds back the other records hashed to it: that is the price of bounded
 * memory. Records that make no call still pass through a lane (they are quick), but take no connection permit.
 */
public final class DeliveryLanes implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryLanes.class);

    private final Lane[] lanes;
    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    /** Keys of records waiting or running, with their lane: a record with a held key joins that lane. */
    private final Map<String, Hold> holds = new HashMap<>();
    private volatile boolean open = true;

    /** {@code lanes} threads named {@code <name>-<n>}, each with a queue of {@code capacity} records. */
    public DeliveryLanes(int lanes, int capacity, String name) {
        if (lanes < 1 || capacity < 1) {
            throw new IllegalArgumentException("lanes and capacity must be at least 1");
        }
        this.capacity = capacity;
        this.lanes = new Lane[lanes];
        for (int i = 0; i < lanes; i++) {
            this.lanes[i] = new Lane(i, name + "-" + (i + 1));
        }
        for (Lane l : this.lanes) {
            l.thread.start();
        }
    }

    public int size() {
        return lanes.length;
    }

    /**
     * Queues {@code task} behind every earlier task with the same key; blocks while that lane's queue is full. The
     * task must not throw (anything it throws is logged) and must not submit to these lanes.
     */
    public void submit(OrderingKey key, Runnable task) {
        lock.lock();
        try {
            if (!open) {
                throw new RejectedExecutionException("delivery lanes are closed");
            }
            Lane lane = laneFor(key);
            // the keys are held from now on, so a later record of the participant finds this lane even while this
            // one still waits for room
            List<String> held = hold(key, lane);
            if (lane.waiting > 0 || lane.queue.size() >= capacity) {
                // full: wait in turn, so records blocked on one lane enter it in the order they came
                long ticket = lane.nextTicket++;
                lane.waiting++;
                while (open && (lane.serving != ticket || lane.queue.size() >= capacity)) {
                    lane.notFull.awaitUninterruptibly();
                }
                lane.serving++;
                lane.waiting--;
                lane.notFull.signalAll();
                if (!open) {
                    releaseLocked(held);
                    throw new RejectedExecutionException("delivery lanes are closed");
                }
            }
            lane.queue.add(new Task(task, held));
            lane.notEmpty.signal();
        } finally {
            lock.unlock();
        }
    }

    private List<String> hold(OrderingKey key, Lane lane) {
        List<String> held = new ArrayList<>(2);
        for (String k : key.held()) {
            Hold h = holds.get(k);
            if (h == null) {
                holds.put(k, new Hold(lane.index));
                held.add(k);
            } else if (h.lane == lane.index) {
                h.count++;
                held.add(k);
            }
        }
        return held;
    }

    /** For tests: the lane a key would go to now. */
    int laneOf(OrderingKey key) {
        lock.lock();
        try {
            return laneFor(key).index;
        } finally {
            lock.unlock();
        }
    }

    private Lane laneFor(OrderingKey key) {
        Hold h = holds.get(key.key());
        if (h == null && key.after() != null) {
            h = holds.get(key.after());
        }
        if (h != null) {
            return lanes[h.lane];
        }
        int hash = key.key().hashCode();
        return lanes[Math.floorMod(hash ^ (hash >>> 16), lanes.length)];
    }

    private void release(Task t) {
        lock.lock();
        try {
            releaseLocked(t.held);
        } finally {
            lock.unlock();
        }
    }

    private void releaseLocked(List<String> held) {
        for (String k : held) {
            Hold h = holds.get(k);
            if (h != null && --h.count == 0) {
                holds.remove(k);
            }
        }
    }

    /** Stops taking records; the lanes finish what they hold, then their threads end (waited for up to 30 s). */
    @Override
    public void close() {
        lock.lock();
        try {
            open = false;
            for (Lane l : lanes) {
                l.notEmpty.signalAll();
                l.notFull.signalAll();
            }
        } finally {
            lock.unlock();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (Lane l : lanes) {
            try {
                l.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private record Task(Runnable work, List<String> held) {
    }

    private static final class Hold {
        final int lane;
        int count = 1;

        Hold(int lane) {
            this.lane = lane;
        }
    }

    private final class Lane implements Runnable {
        final int index;
        final ArrayDeque<Task> queue = new ArrayDeque<>();
        final Condition notEmpty = lock.newCondition();
        final Condition notFull = lock.newCondition();
        final Thread thread;
        long nextTicket;
        long serving;
        int waiting;

        Lane(int index, String threadName) {
            this.index = index;
            this.thread = new Thread(this, threadName);
            thread.setDaemon(true);
        }

        @Override
        public void run() {
            while (true) {
                Task t;
                lock.lock();
                try {
                    while (queue.isEmpty() && open) {
                        notEmpty.awaitUninterruptibly();
                    }
                    t = queue.poll();
                    if (t == null) {
                        return;
                    }
                    notFull.signalAll();
                } finally {
                    lock.unlock();
                }
                try {
                    t.work.run();
                } catch (RuntimeException | Error e) {
                    LOG.error("a delivery task failed outside the error handler", e);
                } finally {
                    release(t);
                }
            }
        }
    }
}
