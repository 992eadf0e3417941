package io.participantsync.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Verifies the exact sliding-window limiter on a fake clock: N per window, counted from the end of each call. */
class SlidingWindowLimiterTest {

    private static final long SECOND = Duration.ofSeconds(1).toNanos();

    private final AtomicLong now = new AtomicLong(1_000 * SECOND);
    private final SlidingWindowLimiter limiter = new SlidingWindowLimiter(new RateLimit(3, Duration.ofSeconds(1)),
            now::get);

    @Test
    void givenFreeSlots_whenAcquired_thenGrantedAtOnceUntilTheLimit() {
        List<SlidingWindowLimiter.Permit> permits = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            permits.add(limiter.tryAcquire());
        }

        assertThat(permits).doesNotContainNull();
        assertThat(limiter.tryAcquire()).isNull();
    }

    @Test
    void givenLimitReached_whenOldestCallEnded_thenNextWaitsOneWindowFromItsEnd() {
        SlidingWindowLimiter.Permit first = limiter.tryAcquire();
        limiter.tryAcquire().close();
        limiter.tryAcquire().close();
        now.addAndGet(100_000_000);
        first.close();

        assertThat(limiter.nanosToWait()).isEqualTo(SECOND);
        now.addAndGet(SECOND - 1);
        assertThat(limiter.tryAcquire()).isNull();
        now.addAndGet(1);
        assertThat(limiter.tryAcquire()).isNotNull();
    }

    @Test
    void givenOldestCallStillInFlight_whenAsked_thenWaitsForItsEnd() {
        SlidingWindowLimiter.Permit slow = limiter.tryAcquire();
        limiter.tryAcquire().close();
        limiter.tryAcquire().close();
        now.addAndGet(10 * SECOND);

        assertThat(limiter.nanosToWait()).isEqualTo(Long.MAX_VALUE);
        assertThat(limiter.tryAcquire()).isNull();
        slow.close();
        assertThat(limiter.nanosToWait()).isEqualTo(SECOND);
    }

    @Test
    void givenCallsEndingOutOfOrder_whenTheLateOnesSlotComesRound_thenItsEndDecides() {
        limiter.tryAcquire().close();
        SlidingWindowLimiter.Permit late = limiter.tryAcquire();
        limiter.tryAcquire().close();
        now.addAndGet(SECOND);
        assertThat(limiter.tryAcquire()).isNotNull();

        assertThat(limiter.tryAcquire()).isNull();
        now.addAndGet(4 * SECOND);
        late.close();
        now.addAndGet(SECOND - 1);
        assertThat(limiter.tryAcquire()).isNull();
        now.addAndGet(1);
        assertThat(limiter.tryAcquire()).isNotNull();
    }

    @Test
    void givenRandomCalls_whenSimulated_thenNoWindowEverSeesMoreThanTheLimitWhereverEachRequestArrived() {
        Random random = new Random(7);
        int limit = 5;
        long window = SECOND;
        SlidingWindowLimiter l = new SlidingWindowLimiter(new RateLimit(limit, Duration.ofNanos(window)), now::get);
        // calls in flight, by end time; each arrives somewhere between its grant and its end
        PriorityQueue<long[]> running = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));
        List<SlidingWindowLimiter.Permit> permits = new ArrayList<>();
        List<Long> arrivals = new ArrayList<>();
        int granted = 0;
        while (granted < 2_000) {
            SlidingWindowLimiter.Permit p = l.tryAcquire();
            if (p != null) {
                long duration = (long) (random.nextDouble() * 0.8 * window);
                long start = now.get();
                arrivals.add(start + (long) (random.nextDouble() * duration));
                permits.add(p);
                running.add(new long[] {start + duration, permits.size() - 1});
                granted++;
                continue;
            }
            // nothing free: move the clock to the next end of a call or the next free slot, whichever is first
            long wait = l.nanosToWait();
            long nextEnd = running.isEmpty() ? Long.MAX_VALUE : running.peek()[0];
            long target = wait == Long.MAX_VALUE ? nextEnd : Math.min(nextEnd, now.get() + wait);
            now.set(Math.max(now.get(), target));
            while (!running.isEmpty() && running.peek()[0] <= now.get()) {
                permits.get((int) running.poll()[1]).close();
            }
        }

        Collections.sort(arrivals);
        int worst = 0;
        for (int i = 0, j = 0; i < arrivals.size(); i++) {
            while (arrivals.get(i) - arrivals.get(j) >= window) {
                j++;
            }
            worst = Math.max(worst, i - j + 1);
        }
        assertThat(worst).isLessThanOrEqualTo(limit);
        assertThat(worst).isEqualTo(limit);
    }

    @Test
    void givenCallsInFlightAndEnded_whenUseIsAsked_thenInFlightAndThoseEndedWithinAWindowCount() {
        assertThat(limiter.used()).isZero();
        SlidingWindowLimiter.Permit a = limiter.tryAcquire();
        SlidingWindowLimiter.Permit b = limiter.tryAcquire();
        assertThat(limiter.used()).isEqualTo(2);

        a.close();
        now.addAndGet(SECOND / 2);
        b.close();
        assertThat(limiter.used()).isEqualTo(2);

        now.addAndGet(SECOND / 2 + 1);
        assertThat(limiter.used()).isEqualTo(1);
        now.addAndGet(SECOND);
        assertThat(limiter.used()).isZero();
    }
}
