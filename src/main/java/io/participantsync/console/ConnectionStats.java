package io.participantsync.console;

import io.participantsync.core.OutcomeListener;
import io.participantsync.core.ProviderCallListener;
import io.participantsync.deadletter.Redaction;
import io.participantsync.model.DeliveryOutcome;
import io.participantsync.model.Outcome;
import io.participantsync.provider.Connection;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the console's connection line shows beyond the gate's own state: per connection, the latency of its last
 * {@value #WINDOW} provider calls (p50, p95), how many calls it made, and its last error — a failed call (HTTP status
 * or no answer) or a record that failed or was refused by the provider, with the provider's message masked as in a
 * dead letter — and whether its token is failing (a record failed for want of a token, and no call went through
 * since). Told of every call and outcome on the delivery threads: each update is a few stores under a lock of
 * its own connection.
 */
public final class ConnectionStats implements ProviderCallListener, OutcomeListener {

    /** How many recent calls the percentiles are taken over. */
    static final int WINDOW = 512;

    private final Clock clock;
    private final Map<String, Stats> byConnection = new ConcurrentHashMap<>();

    public ConnectionStats(Clock clock) {
        this.clock = clock;
    }

    /** What the console shows of one connection; latencies null before its first call. */
    public record Snapshot(long calls, Double p50Millis, Double p95Millis, Instant lastErrorAt, String lastError,
            boolean tokenFailing) {
    }

    @Override
    public void onCall(Connection connection, int status, long nanos) {
        Stats s = stats(connection.name());
        synchronized (s) {
            s.latencies[(int) (s.calls % WINDOW)] = nanos;
            s.calls++;
            if (status == 0 || status >= 400) {
                s.lastErrorAt = clock.instant();
                s.lastError = status == 0 ? "no answer (connection failed or timed out)" : "HTTP " + status;
            } else if (status < 300) {
                // a call went through: its token worked
                s.tokenFailing = false;
            }
        }
    }

    @Override
    public void onOutcome(DeliveryOutcome o) {
        if (o.connection() == null || (o.outcome() != Outcome.FAILED && o.error() == null)
                || o.outcome() == Outcome.UPDATED || o.outcome() == Outcome.UNCHANGED) {
            return;
        }
        StringBuilder text = new StringBuilder(o.outcome().label());
        if (o.category() != null) {
            text.append(" (").append(o.category()).append(')');
        }
        if (o.error() != null && o.error().status() > 0) {
            text.append(": HTTP ").append(o.error().status());
            if (o.error().code() != null) {
                text.append(' ').append(o.error().code());
            }
            if (o.error().message() != null) {
                text.append(" ").append(Redaction.redact(o.error().message(), o.update()));
            }
        } else if (o.message() != null) {
            text.append(": ").append(Redaction.redact(o.message(), o.update()));
        }
        String message = text.length() > 300 ? text.substring(0, 300) + "…" : text.toString();
        boolean token = o.error() != null && o.error().code() != null && o.error().code().startsWith("token_");
        Stats s = stats(o.connection());
        synchronized (s) {
            s.lastErrorAt = clock.instant();
            s.lastError = message;
            s.tokenFailing |= token;
        }
    }

    public Snapshot snapshot(String connection) {
        Stats s = byConnection.get(connection);
        if (s == null) {
            return new Snapshot(0, null, null, null, null, false);
        }
        long[] sorted;
        long calls;
        Instant at;
        String error;
        boolean token;
        synchronized (s) {
            calls = s.calls;
            sorted = Arrays.copyOf(s.latencies, (int) Math.min(calls, WINDOW));
            at = s.lastErrorAt;
            error = s.lastError;
            token = s.tokenFailing;
        }
        if (sorted.length == 0) {
            return new Snapshot(calls, null, null, at, error, token);
        }
        Arrays.sort(sorted);
        return new Snapshot(calls, millis(percentile(sorted, 0.50)), millis(percentile(sorted, 0.95)), at, error,
                token);
    }

    /** The nearest-rank percentile of sorted values. */
    static long percentile(long[] sorted, double p) {
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static double millis(long nanos) {
        return Math.round(nanos / 10_000.0) / 100.0;
    }

    private Stats stats(String connection) {
        return byConnection.computeIfAbsent(connection, c -> new Stats());
    }

    private static final class Stats {
        final long[] latencies = new long[WINDOW];
        long calls;
        Instant lastErrorAt;
        String lastError;
        /** A record failed for its token (token_* error) and no call has gone through since. */
        boolean tokenFailing;
    }
}
