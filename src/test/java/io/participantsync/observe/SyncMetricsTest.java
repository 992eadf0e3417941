package io.participantsync.observe;

import static io.participantsync.support.FakeHttpTransport.refuse;
import static io.participantsync.support.FakeHttpTransport.respond;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.participantsync.auth.TokenService;
import io.participantsync.core.Plan;
import io.participantsync.core.DeliveryDriver;
import io.participantsync.model.DeliveryException;
import io.participantsync.model.DeliveryOutcome;
import io.participantsync.model.Outcome;
import io.participantsync.model.ParticipantUpdate;
import io.participantsync.model.Source;
import io.participantsync.provider.Connection;
import io.participantsync.provider.ProviderAdapter;
import io.participantsync.provider.ProviderRegistry;
import io.participantsync.support.FakeHttpTransport;
import io.participantsync.support.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.apache.camel.CamelContext;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** SyncMetrics fed by provider calls (status classes, failed calls) and by outcomes; silent without a registry. */
class SyncMetricsTest {

    private static final String BASE = "http://oneflow.test";
    private static final Instant NOW = Instant.parse("2024-05-06T10:00:00Z");

    private final ProviderRegistry providers = ProviderRegistry.standard(id -> Map.of());
    private final Connection oneflow = new Connection("oneflow-sales", "oneflow", Map.of("base-url", BASE,
            "api-token", "token-1", "user-email", "ops@example.com"));
    private final CamelContext camel = new DefaultCamelContext();
    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final SyncMetrics metrics = new SyncMetrics(() -> camel, Set.copyOf(providers.ids()),
            Set.of("oneflow-sales"));

    @AfterEach
    void stop() {
        camel.stop();
    }

    @Test
    void givenAnsweredRefusedAndUnansweredCalls_whenDelivered_thenOneTimerSamplePerCallByStatusClass() {
        camel.getRegistry().bind(MicrometerConstants.METRICS_REGISTRY_NAME, registry);
        FakeHttpTransport http = new FakeHttpTransport().on("PUT", BASE, respond(200, "{}"),
                respond(422, "{\"message\":\"no\"}"), refuse("Connection refused"));
        DeliveryDriver caller = new DeliveryDriver(http, new TokenService(http, new MutableClock(NOW),
                Duration.ofSeconds(60)), metrics);

        caller.deliver(plan());
        assertThatThrownBy(() -> caller.deliver(plan())).isInstanceOf(DeliveryException.class);
        assertThatThrownBy(() -> caller.deliver(plan())).isInstanceOf(DeliveryException.class);

        assertThat(timer("2xx").count()).isEqualTo(1);
        assertThat(timer("4xx").count()).isEqualTo(1);
        assertThat(timer("io_error").count()).isEqualTo(1);
        assertThat(registry.find(SyncMetrics.PROVIDER_CALL).timers()).hasSize(3);
    }

    @Test
    void givenOutcomes_whenRecorded_thenCountedWithUnknownNamesFolded() {
        camel.getRegistry().bind(MicrometerConstants.METRICS_REGISTRY_NAME, registry);

        metrics.onOutcome(outcome("oneflow", "oneflow-sales", Outcome.UPDATED));
        metrics.onOutcome(outcome("oneflow", "oneflow-sales", Outcome.UPDATED));
        metrics.onOutcome(outcome("oneflow", "typo-connection", Outcome.REJECTED));
        metrics.onOutcome(outcome("not-a-provider", null, Outcome.REJECTED));

        assertThat(count("oneflow-sales", "oneflow", "updated")).isEqualTo(2.0);
        assertThat(count("unknown", "oneflow", "rejected")).isEqualTo(1.0);
        assertThat(count(SyncMetrics.NONE, "unknown", "rejected")).isEqualTo(1.0);
        assertThat(registry.find(SyncMetrics.RECORDS).counters()).hasSize(3);
    }

    @Test
    void givenStartedCamelWithoutMetricsRegistry_whenOutcomeAndCall_thenNothingRecordedAndNoError() {
        camel.start();

        metrics.onOutcome(outcome("oneflow", "oneflow-sales", Outcome.UPDATED));
        metrics.onCall(oneflow, 200, 1_000_000);
        // bound later (it never is in a one-shot command): the first lookup after start already settled it
        camel.getRegistry().bind(MicrometerConstants.METRICS_REGISTRY_NAME, registry);
        metrics.onOutcome(outcome("oneflow", "oneflow-sales", Outcome.UPDATED));

        assertThat(registry.getMeters()).isEmpty();
    }

    @Test
    void givenStatuses_whenClassified_thenClassOrIoError() {
        assertThat(SyncMetrics.statusClass(204)).isEqualTo("2xx");
        assertThat(SyncMetrics.statusClass(429)).isEqualTo("4xx");
        assertThat(SyncMetrics.statusClass(503)).isEqualTo("5xx");
        assertThat(SyncMetrics.statusClass(0)).isEqualTo("io_error");
    }

    private Timer timer(String outcome) {
        return registry.get(SyncMetrics.PROVIDER_CALL).tags("connection", "oneflow-sales", "provider", "oneflow",
                "outcome", outcome).timer();
    }

    private double count(String connection, String provider, String outcome) {
        return registry.get(SyncMetrics.RECORDS).tags("connection", connection, "provider", provider, "outcome",
                outcome).counter().count();
    }

    private Plan.Deliver plan() {
        ParticipantUpdate update = ParticipantUpdate.of("oneflow", null, Map.of("contract_id", "1", "party_id", "2",
                "participant_id", "3", "name", "Anna"), Source.of("test", "unit", 1));
        ProviderAdapter adapter = providers.get("oneflow");
        return new Plan.Deliver(update, oneflow, adapter, adapter.buildRequest(update, oneflow).orElseThrow());
    }

    private static DeliveryOutcome outcome(String provider, String connection, Outcome outcome) {
        ParticipantUpdate update = ParticipantUpdate.of(provider, connection, Map.of(), Source.of("test", "unit", 1));
        return new DeliveryOutcome(update, connection, outcome, null, null, null, 1, NOW, NOW);
    }
}
