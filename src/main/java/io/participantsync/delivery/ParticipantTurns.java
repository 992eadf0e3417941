package io.participantsync.delivery;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps each participant's records in arrival order while different participants go in parallel, without holding a
 * thread. A record takes its {@link Turn} when it is read ({@link #reserve}, in arrival order); before it is
 * delivered it {@link #await awaits} that turn, which comes once every earlier record of the same participant has
 * {@link #release released} its own; a record whose turn has not come is parked and resumed by the release of the one
 * before it. A participant is an {@link OrderingKey}: a record that changes the key itself (a new email where the
 * email is the locator) also holds the key it will have, so a later record naming the new email queues behind it. One
 * instance serves every batch of the process.
 */
public final class ParticipantTurns {

    private final ReentrantLock lock = new ReentrantLock();
    /** Keys of records with a turn, with their lane: a record with a held key joins that lane. */
    private final Map<String, Hold> holds = new HashMap<>();
    private long laneIds;

    /** Takes the next turn of the record's participant (call in arrival order). */
    public Turn reserve(OrderingKey key) {
        lock.lock();
        try {
            Hold h = heldBy(key);
            Lane lane = h != null ? h.lane : new Lane(++laneIds);
            Turn turn = new Turn(lane, hold(key, lane));
            lane.turns.add(turn);
            return turn;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether the record may go now (every earlier record of its participant has released its turn); when not,
     * {@code resume} runs once it may, on the thread that releases the turn before it.
     */
    public boolean await(Turn turn, Runnable resume) {
        lock.lock();
        try {
            if (turn.released) {
                throw new IllegalStateException("the turn was released already");
            }
            if (turn.lane.turns.peekFirst() == turn) {
                return true;
            }
            turn.resume = resume;
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Ends a record's turn (whether it went or not); the next record of its participant may go. Idempotent. */
    public void release(Turn turn) {
        Runnable next = null;
        lock.lock();
        try {
            if (turn.released) {
                return;
            }
            turn.released = true;
            for (String k : turn.held) {
                Hold h = holds.get(k);
                if (h != null && --h.count == 0) {
                    holds.remove(k);
                }
            }
            boolean wasFirst = turn.lane.turns.peekFirst() == turn;
            turn.lane.turns.remove(turn);
            Turn first = turn.lane.turns.peekFirst();
            if (wasFirst && first != null && first.resume != null) {
                next = first.resume;
                first.resume = null;
            }
        } finally {
            lock.unlock();
        }
        if (next != null) {
            next.run();
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

    /** For tests: records holding a turn now. */
    int holding() {
        lock.lock();
        try {
            return holds.values().stream().mapToInt(h -> h.count).sum();
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

    /** A record's place in its participant's lane. */
    public static final class Turn {
        private final Lane lane;
        private final List<String> held;
        private Runnable resume;
        private boolean released;

        private Turn(Lane lane, List<String> held) {
            this.lane = lane;
            this.held = held;
        }
    }

    /** A key held by a lane, by {@code count} of its records with a turn. */
    private static final class Hold {
        final Lane lane;
        int count = 1;

        Hold(Lane lane) {
            this.lane = lane;
        }
    }

    /** One participant's turns (and those of the keys its records hold), first in first out. */
    private static final class Lane {
        final long id;
        final ArrayDeque<Turn> turns = new ArrayDeque<>(2);

        Lane(long id) {
            this.id = id;
        }
    }
}
