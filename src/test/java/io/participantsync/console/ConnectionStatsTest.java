package io.participantsync.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.participantsync.model.DeliveryOutcome;
import io.participantsync.model.Outcome;
import io.participantsync.model.ParticipantUpdate;
import io.participantsync.model.ProviderError;
import io.participantsync.model.Source;
import io.participantsync.provider.Connection;
import io.participantsync.support.MutableClock;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The console's per-connection figures: latency percentiles over recent calls, call count, last error masked. */
class ConnectionStatsTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-05T10:00:00Z"));
    private final ConnectionStats stats = new ConnectionStats(clock);
    private final Connection oneflow = new Connection("oneflow", "oneflow", Map.of());

    @Test
    void givenNoCall_whenSnapshot_thenNoLatencyAndNoError() {
        ConnectionStats.Snapshot s = stats.snapshot("oneflow");

        assertThat(s.calls()).isZero();
        assertThat(s.p50Millis()).isNull();
        assertThat(s.lastError()).isNull();
    }

    @Test
    void givenAHundredCalls_whenSnapshot_thenNearestRankPercentilesInMillis() {
        for (int i = 1; i <= 100; i++) {
            stats.onCall(oneflow, 200, i * 1_000_000L);
        }

        ConnectionStats.Snapshot s = stats.snapshot("oneflow");
        assertThat(s.calls()).isEqualTo(100);
        assertThat(s.p50Millis()).isEqualTo(50.0);
        assertThat(s.p95Millis()).isEqualTo(95.0);
        assertThat(s.lastError()).isNull();
    }

    @Test
    void givenMoreCallsThanTheWindow_whenSnapshot_thenOnlyTheRecentOnesCount() {
        for (int i = 0; i < ConnectionStats.WINDOW; i++) {
            stats.onCall(oneflow, 200, 900_000_000L);
        }
        for (int i = 0; i < ConnectionStats.WINDOW; i++) {
            stats.onCall(oneflow, 200, 2_000_000L);
        }

        assertThat(stats.snapshot("oneflow").p95Millis()).isEqualTo(2.0);
        assertThat(stats.snapshot("oneflow").calls()).isEqualTo(2L * ConnectionStats.WINDOW);
    }

    @Test
    void givenAFailedCallThenAFailedRecord_whenSnapshot_thenTheLatestErrorMaskedWithItsTime() {
        stats.onCall(oneflow, 503, 1_000_000L);
        assertThat(stats.snapshot("oneflow").lastError()).isEqualTo("HTTP 503");

        clock.advance(java.time.Duration.ofSeconds(5));
        ParticipantUpdate u = ParticipantUpdate.of("oneflow", "oneflow", Map.of("contract_id", "1",
                "identification_number", "19121212-1212"), Source.of("csv", "f.csv", 1));
        stats.onOutcome(new DeliveryOutcome(u, "oneflow", Outcome.FAILED, "provider", "gave up",
                new ProviderError(503, "unavailable", "no room for 19121212-1212"), 4, clock.instant(),
                clock.instant()));

        ConnectionStats.Snapshot s = stats.snapshot("oneflow");
        assertThat(s.lastError()).startsWith("failed (provider): HTTP 503 unavailable").doesNotContain("19121212");
        assertThat(s.lastErrorAt()).isEqualTo(Instant.parse("2026-12-05T10:00:05Z"));
    }

    @Test
    void givenAValidationRejection_whenRecorded_thenItIsNotAConnectionError() {
        ParticipantUpdate u = ParticipantUpdate.of("oneflow", "oneflow", Map.of(), Source.of("csv", "f.csv", 1));
        stats.onOutcome(new DeliveryOutcome(u, "oneflow", Outcome.REJECTED, "validation", "contract_id: missing",
                null, 0, clock.instant(), clock.instant()));

        assertThat(stats.snapshot("oneflow").lastError()).isNull();
    }

    @Test
    void givenARecordFailedForItsToken_whenSnapshot_thenTokenFailingUntilACallGoesThrough() {
        ParticipantUpdate u = ParticipantUpdate.of("oneflow", "oneflow", Map.of("contract_id", "1"),
                Source.of("csv", "f.csv", 1));
        stats.onOutcome(new DeliveryOutcome(u, "oneflow", Outcome.FAILED, "authentication", "no token",
                new ProviderError(401, "token_request_failed", "token request refused"), 1, clock.instant(),
                clock.instant()));
        assertThat(stats.snapshot("oneflow").tokenFailing()).isTrue();

        stats.onCall(oneflow, 401, 1_000_000L);
        assertThat(stats.snapshot("oneflow").tokenFailing()).isTrue();
        stats.onCall(oneflow, 200, 1_000_000L);
        assertThat(stats.snapshot("oneflow").tokenFailing()).isFalse();
    }
}
