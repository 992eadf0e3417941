package io.participantsync.observe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The HTTP server timeouts' settings: each at least 1 s, the idle timeout longer than any {@code ?wait}. */
class HttpServerTimeoutsTest {

    @Test
    void givenDefaults_thenNoProblem() {
        assertThat(HttpServerTimeouts.problem(60, 10, 60, 30)).isEmpty();
    }

    @Test
    void givenIdleTimeoutNotLongerThanTheLongestWait_thenAProblemNamingBothKeys() {
        assertThat(HttpServerTimeouts.problem(30, 10, 60, 30)).hasValueSatisfying(why -> assertThat(why)
                .contains("http.idle-timeout-seconds").contains("http.max-wait-seconds").contains("30"));
    }

    @Test
    void givenAZeroHeaderOrReadTimeout_thenAProblemNamingTheKey() {
        assertThat(HttpServerTimeouts.problem(60, 0, 60, 30)).hasValueSatisfying(why -> assertThat(why)
                .startsWith("http.header-timeout-seconds"));
        assertThat(HttpServerTimeouts.problem(60, 10, 0, 30)).hasValueSatisfying(why -> assertThat(why)
                .startsWith("http.read-timeout-seconds"));
    }
}
