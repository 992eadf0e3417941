package io.participantsync.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A sliding-window count of token requests per key (one refresh token). A request holds its slot from the moment it
 * is sent until a full window after its answer arrived: the provider, which counts arrivals, can then never see more
 * than the limit in any window of its own. {@link #tryAcquire} never lets a request over the limit; it says how long
 * until a slot frees instead.
 */
final class TokenRequestLimiter {

    /** One request's slot; {@link #done()} starts the window at the answer. */
    static final class Permit {
        private volatile Instant answeredAt;

        void done(Instant at) {
            answeredAt = at;
        }
    }

    /** Either a permit, or how long to wait before asking again. */
    record Attempt(Permit permit, Duration waitFor) {
    }

    private final Clock clock;
    private final Map<String, List<Permit>> windows = new ConcurrentHashMap<>();

    TokenRequestLimiter(Clock clock) {
        this.clock = clock;
    }

    Attempt tryAcquire(String key, TokenRequestLimit limit) {
        List<Permit> permits = windows.computeIfAbsent(key, k -> new ArrayList<>());
        synchronized (permits) {
            Instant now = clock.instant();
            permits.removeIf(p -> p.answeredAt != null && !now.isBefore(p.answeredAt.plus(limit.window())));
            if (permits.size() < limit.count()) {
                Permit p = new Permit();
                permits.add(p);
                return new Attempt(p, Duration.ZERO);
            }
            Duration wait = null;
            for (Permit p : permits) {
                if (p.answeredAt != null) {
                    Duration d = Duration.between(now, p.answeredAt.plus(limit.window()));
                    wait = wait == null || d.compareTo(wait) < 0 ? d : wait;
                }
            }
            // every slot is held by a request still in flight: ask again shortly
            return new Attempt(null, wait == null ? Duration.ofMillis(100) : wait);
        }
    }

    /** Requests counted in the key's window now (in flight included). */
    int inWindow(String key, TokenRequestLimit limit) {
        List<Permit> permits = windows.get(key);
        if (permits == null) {
            return 0;
        }
        synchronized (permits) {
            Instant now = clock.instant();
            permits.removeIf(p -> p.answeredAt != null && !now.isBefore(p.answeredAt.plus(limit.window())));
            return permits.size();
        }
    }
}
