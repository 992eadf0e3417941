package io.participantsync.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.participantsync.config.ConfigurationException;
import io.participantsync.config.Connections;
import io.participantsync.config.Settings;
import io.participantsync.provider.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Verifies each connection's limits: defaults, Oneflow's rate limit, overrides and key-named errors. */
class ConnectionLimitsTest {

    private final ConnectionLimits.Defaults defaults = ConnectionLimits.Defaults.from(Settings.of(Map.of(), Map.of()));

    @Test
    void givenNoSettings_whenDefaultsRead_thenDocumentedValues() {
        assertThat(defaults).isEqualTo(new ConnectionLimits.Defaults(8, 10, Duration.ofMinutes(5), 10,
                Duration.ofSeconds(10)));
    }

    @Test
    void givenOneflowAndZigned_whenNothingSet_thenOnlyOneflowIsRateLimited() {
        ConnectionLimits oneflow = ConnectionLimits.of(new Connection("oneflow", "oneflow", Map.of()), defaults);
        ConnectionLimits zigned = ConnectionLimits.of(new Connection("zigned", "zigned", Map.of()), defaults);

        assertThat(oneflow).isEqualTo(new ConnectionLimits("oneflow", 8, new RateLimit(1000, Duration.ofMinutes(5)),
                10, Duration.ofMinutes(5), 10, Duration.ofSeconds(10)));
        assertThat(zigned.rateLimit()).isNull();
        assertThat(zigned.maxConcurrency()).isEqualTo(8);
    }

    @Test
    void givenConnectionKeys_whenRead_thenTheyWinOverDefaults() {
        Connection c = new Connection("acme", "oneflow", Map.of("max-concurrency", "3", "rate-limit", "50/1s",
                "max-attempts", "6", "retry-budget", "2m", "breaker-failures", "4", "breaker-wait", "30s"));

        assertThat(ConnectionLimits.of(c, defaults)).isEqualTo(new ConnectionLimits("acme", 3,
                new RateLimit(50, Duration.ofSeconds(1)), 6, Duration.ofMinutes(2), 4, Duration.ofSeconds(30)));
        assertThat(ConnectionLimits.of(new Connection("acme", "oneflow", Map.of("rate-limit", "none")), defaults)
                .rateLimit()).isNull();
    }

    @Test
    void givenDeliveryDefaults_whenSet_thenEveryConnectionInheritsThem() {
        ConnectionLimits.Defaults d = ConnectionLimits.Defaults.from(Settings.of(Map.of("delivery.concurrency", "2",
                "delivery.max-attempts", "3", "delivery.retry-budget-ms", "1500", "delivery.breaker-failures", "5",
                "delivery.breaker-wait-ms", "250"), Map.of()));

        assertThat(ConnectionLimits.of(new Connection("z", "zoho", Map.of()), d)).isEqualTo(new ConnectionLimits("z",
                2, null, 3, Duration.ofMillis(1500), 5, Duration.ofMillis(250)));
    }

    @Test
    void givenBadValues_whenLoaded_thenEveryProblemNamesItsKey() {
        Connections connections = Connections.of(List.of(
                new Connection("acme", "oneflow", Map.of("rate-limit", "1000 per 5 minutes", "max-concurrency", "0")),
                new Connection("zed", "zigned", Map.of("retry-budget", "soon", "max-attempts", "x",
                        "breaker-wait", "0s"))));

        ConfigurationException e = catchThrowableOfType(ConfigurationException.class,
                () -> ConnectionLimits.load(connections, defaults));

        assertThat(e.problems()).containsExactlyInAnyOrder(
                "connections.acme.max-concurrency must be a whole number of at least 1, was '0'",
                "connections.acme.rate-limit must be <requests>/<window> such as 1000/5m, 50/1s or 100/10s (or none),"
                        + " was '1000 per 5 minutes'",
                "connections.zed.max-attempts must be a whole number of at least 1, was 'x'",
                "connections.zed.retry-budget must be a duration such as 500ms, 30s, 2m or 1h, was 'soon'",
                "connections.zed.breaker-wait must be longer than 0, was '0s'");
    }

    @Test
    void givenBadDeliveryDefault_whenRead_thenKeyNamed() {
        ConfigurationException e = catchThrowableOfType(ConfigurationException.class,
                () -> ConnectionLimits.Defaults.from(Settings.of(Map.of("delivery.breaker-failures", "0"), Map.of())));

        assertThat(e.problems()).containsExactly("delivery.breaker-failures must be at least 1, was 0");
    }
}
