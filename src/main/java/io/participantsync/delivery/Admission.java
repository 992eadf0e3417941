package io.participantsync.delivery;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * Bounds the records each connection holds in memory ({@code delivery.max-waiting-per-connection}): a record is
 * admitted when it is read and released when it has its outcome. While a connection holds its maximum (it is down,
 * slow or held by its rate limit), the reader of a source whose next record is for that connection waits: only that
 * source is held back, other sources and connections go on. Readers wait in the order they came.
 */
public final class Admission {

    private final int maxPerConnection;
    private final Map<String, Semaphore> byConnection = new ConcurrentHashMap<>();

    public Admission(int maxPerConnection) {
        if (maxPerConnection < 1) {
            throw new IllegalArgumentException("at least one record per connection");
        }
        this.maxPerConnection = maxPerConnection;
    }

    public int maxPerConnection() {
        return maxPerConnection;
    }

    /** Admits one record for {@code connection}, waiting while it holds its maximum. */
    public void admit(String connection) throws InterruptedException {
        slots(connection).acquire();
    }

    /** A record admitted for {@code connection} has its outcome. */
    public void release(String connection) {
        slots(connection).release();
    }

    /** Records {@code connection} holds now (admitted, without an outcome yet). */
    public int holding(String connection) {
        Semaphore s = byConnection.get(connection);
        return s == null ? 0 : maxPerConnection - s.availablePermits();
    }

    private Semaphore slots(String connection) {
        return byConnection.computeIfAbsent(connection, c -> new Semaphore(maxPerConnection, true));
    }
}
