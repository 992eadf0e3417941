package io.participantsync.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.participantsync.config.ConfigurationException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Verifies the rate-limit and duration syntax of the delivery settings and their key-named errors. */
class RateLimitTest {

    @Test
    void givenDocumentedForms_whenParsed_thenRequestsAndWindowRead() {
        assertThat(RateLimit.parse("k", "1000/5m")).isEqualTo(new RateLimit(1000, Duration.ofMinutes(5)));
        assertThat(RateLimit.parse("k", "50/1s")).isEqualTo(new RateLimit(50, Duration.ofSeconds(1)));
        assertThat(RateLimit.parse("k", " 100 / 10s ")).isEqualTo(new RateLimit(100, Duration.ofSeconds(10)));
        assertThat(RateLimit.parse("k", "10/s")).isEqualTo(new RateLimit(10, Duration.ofSeconds(1)));
        assertThat(RateLimit.parse("k", "5/250ms")).isEqualTo(new RateLimit(5, Duration.ofMillis(250)));
        assertThat(RateLimit.parse("k", "3600/1h")).isEqualTo(new RateLimit(3600, Duration.ofHours(1)));
        assertThat(RateLimit.parse("k", "1000/5m")).hasToString("1000/5m");
    }

    @Test
    void givenNone_whenParsed_thenNoLimit() {
        assertThat(RateLimit.parse("k", "none")).isNull();
        assertThat(RateLimit.parse("k", "Unlimited")).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1000", "1000/5", "1000 per 5m", "/5m", "0/1s", "10/0s", "-1/1s", "10/1d", "ten/1s"})
    void givenBadRateLimit_whenParsed_thenMessageNamesKeyAndValue(String value) {
        ConfigurationException e = catchThrowableOfType(ConfigurationException.class,
                () -> RateLimit.parse("connections.acme.rate-limit", value));

        assertThat(e).isNotNull();
        assertThat(e.problems()).hasSize(1);
        assertThat(e.problems().get(0)).startsWith("connections.acme.rate-limit ")
                .contains("'" + value.trim() + "'");
    }

    @Test
    void givenDurations_whenParsed_thenRead() {
        assertThat(Durations.parse("k", "2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.parse("k", "90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse("k", "500ms")).isEqualTo(Duration.ofMillis(500));
        ConfigurationException e = catchThrowableOfType(ConfigurationException.class,
                () -> Durations.parse("connections.acme.retry-budget", "2 minutes"));
        assertThat(e.problems()).containsExactly("connections.acme.retry-budget must be a duration such as 500ms, "
                + "30s, 2m or 1h, was '2 minutes'");
    }
}
