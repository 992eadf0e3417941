package io.participantsync.bench;

import java.util.List;

/**
 * Arithmetic on request arrival times (nanoseconds, ascending): the rate-limit scenario's two figures, and the rate of
 * the second half of a run (with less of the JIT's warm-up in it).
 */
final class RequestTimes {

    private RequestTimes() {
    }

    /** The most arrivals in any window of {@code windowNanos} (half-open: {@code [t, t + window)}), sliding. */
    static int maxInWindow(List<Long> times, long windowNanos) {
        int best = 0;
        int from = 0;
        for (int to = 0; to < times.size(); to++) {
            while (times.get(to) - times.get(from) >= windowNanos) {
                from++;
            }
            best = Math.max(best, to - from + 1);
        }
        return best;
    }

    /** Requests per second between the first and the last arrival: {@code (n - 1) / span}; 0 below two. */
    static double rate(List<Long> times) {
        if (times.size() < 2) {
            return 0;
        }
        long span = times.get(times.size() - 1) - times.get(0);
        return span <= 0 ? 0 : (times.size() - 1) / (span / 1e9);
    }

    /** {@link #rate} of the second half of the arrivals (from the middle one to the last); 0 below four. */
    static double rateOfSecondHalf(List<Long> times) {
        if (times.size() < 4) {
            return 0;
        }
        return rate(times.subList(times.size() / 2, times.size()));
    }
}
