package io.participantsync.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Checks the rate-limit figures: the sliding 1 s window maximum and the achieved rate. */
class RequestTimesTest {

    private static final long MS = 1_000_000L;

    @Test
    void givenArrivals_whenMaxInWindow_thenWindowIsHalfOpenAndSlides() {
        List<Long> times = List.of(0L, 100 * MS, 999 * MS, 1000 * MS, 1500 * MS, 1600 * MS, 1700 * MS);

        assertThat(RequestTimes.maxInWindow(times, 1000 * MS)).isEqualTo(5);
        assertThat(RequestTimes.maxInWindow(List.of(), 1000 * MS)).isZero();
        assertThat(RequestTimes.maxInWindow(List.of(0L, 1000 * MS), 1000 * MS)).isEqualTo(1);
    }

    @Test
    void givenEvenlySpacedArrivals_whenRate_thenRequestsPerSecond() {
        List<Long> fiftyPerSecond = new java.util.ArrayList<>();
        for (int i = 0; i < 101; i++) {
            fiftyPerSecond.add(i * 20 * MS);
        }

        assertThat(RequestTimes.rate(fiftyPerSecond)).isCloseTo(50.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(RequestTimes.rate(List.of(5L))).isZero();
    }

    @Test
    void givenASlowStartThenASteadyRate_whenRateOfSecondHalf_thenOnlyTheSteadyPartCounts() {
        // 4 arrivals 1 s apart (warm-up), then 4 arrivals 100 ms apart
        List<Long> times = List.of(0L, 1000 * MS, 2000 * MS, 3000 * MS, 3100 * MS, 3200 * MS, 3300 * MS, 3400 * MS);

        // from the middle arrival (3100 ms) to the last: 3 intervals in 0.3 s
        assertThat(RequestTimes.rateOfSecondHalf(times)).isCloseTo(10.0, within(1e-9));
        assertThat(RequestTimes.rate(times)).isCloseTo(7 / 3.4, within(1e-9));
        assertThat(RequestTimes.rateOfSecondHalf(List.of(0L, MS, 2 * MS))).isZero();
    }
}
