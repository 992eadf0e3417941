package io.participantsync.delivery;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What holds each connection's records back right now — its rate limit, its open circuit breaker, its token request
 * limit — so that a long wait is visible: one log line when a hold starts and one when it ends (not one per record),
 * and the reasons in the readiness details. Thread-safe; shared by the connection gates and the token service.
 */
public final class ConnectionHolds {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionHolds.class);

    /** Why a connection's records wait. */
    public enum Reason {
        RATE_LIMIT("rate limit"),
        CIRCUIT_BREAKER("circuit breaker"),
        TOKEN_LIMIT("token request limit");

        private final String label;

        Reason(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private final LongSupplier nanoClock;
    // connection -> reason -> since (nanoClock); a reason is present while it holds
    private final Map<String, Map<Reason, Long>> holds = new ConcurrentHashMap<>();

    public ConnectionHolds() {
        this(System::nanoTime);
    }

    ConnectionHolds(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /**
     * {@code reason} holds {@code connection}'s records from now; logs once (a hold already under way logs nothing).
     * {@code detail} says what the limit is and what happens next; it must hold no secret.
     *
     * @return whether the hold started now
     */
    public boolean begin(String connection, Reason reason, String detail) {
        Map<Reason, Long> byReason = holds.computeIfAbsent(connection, c -> new EnumMap<>(Reason.class));
        synchronized (byReason) {
            if (byReason.containsKey(reason)) {
                return false;
            }
            byReason.put(reason, nanoClock.getAsLong());
        }
        LOG.warn("connection {}: held by its {}: {}", connection, reason.label(), detail);
        return true;
    }

    /**
     * {@code reason} no longer holds {@code connection}'s records; logs once how long it held them.
     *
     * @return whether a hold ended now
     */
    public boolean end(String connection, Reason reason) {
        Map<Reason, Long> byReason = holds.get(connection);
        if (byReason == null) {
            return false;
        }
        Long since;
        synchronized (byReason) {
            since = byReason.remove(reason);
        }
        if (since == null) {
            return false;
        }
        LOG.info("connection {}: no longer held by its {} (held for {})", connection, reason.label(),
                format(Duration.ofNanos(nanoClock.getAsLong() - since)));
        return true;
    }

    /** The reasons holding {@code connection} now, in a fixed order; empty when nothing holds it. */
    public List<Reason> reasons(String connection) {
        Map<Reason, Long> byReason = holds.get(connection);
        if (byReason == null) {
            return List.of();
        }
        synchronized (byReason) {
            return List.copyOf(byReason.keySet());
        }
    }

    /** "none", or the reasons' labels joined: the readiness detail {@code <connection>.held-by}. */
    public String describe(String connection) {
        List<Reason> reasons = reasons(connection);
        return reasons.isEmpty() ? "none" : String.join(", ", reasons.stream().map(Reason::label).toList());
    }

    static String format(Duration d) {
        long s = d.toSeconds();
        if (s < 1) {
            return d.toMillis() + " ms";
        }
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return (s / 60) + " min " + (s % 60) + " s";
        }
        return (s / 3600) + " h " + (s % 3600 / 60) + " min";
    }
}
