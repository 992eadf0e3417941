package io.participantsync.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.participantsync.core.BatchReport;
import io.participantsync.delivery.ConnectionGate;
import io.participantsync.model.Outcome;
import io.participantsync.model.ParticipantUpdate;
import io.participantsync.sandbox.AppliedEdit;
import io.participantsync.sandbox.SandboxServer;
import io.participantsync.support.TestApp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifies delivery against the sandbox: each participant's updates land in arrival order under retries, within and
 * across batches; calls in flight stay under the connection's cap; no window exceeds its rate limit; an open circuit
 * breaker makes records wait instead of burning their attempts; a spent retry budget fails the record.
 */
class DeliveryLimitsIT {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String CONTRACT = "7001";
    private static final String PARTY = "7002";

    @TempDir
    Path dir;
    private TestApp app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void givenInterleavedUpdatesWithLatencyAnd503s_whenDelivered_thenEachParticipantInInputOrderAndCapHeld()
            throws Exception {
        start(Map.of("connections.oneflow.max-concurrency", "4", "connections.oneflow.rate-limit", "none",
                "delivery.max-attempts", "30"));
        app.sandbox.knobs().autoCreate(true).latencyMs(5).rate503(0.2).provider("oneflow").seed(11);
        List<ParticipantUpdate> records = new ArrayList<>();
        int cold = 1000;
        for (int v = 0; v < 20; v++) {
            for (int p = 1; p <= 5; p++) {
                records.add(oneflow(p, "Hot " + p + " v" + v));
            }
            for (int k = 0; k < 7; k++) {
                records.add(oneflow(cold, "Cold " + cold));
                cold++;
            }
        }

        BatchReport report = app.send(records);

        assertThat(report.count(Outcome.UPDATED)).isEqualTo(240);
        for (int p = 1; p <= 5; p++) {
            List<String> expected = new ArrayList<>();
            for (int v = 0; v < 20; v++) {
                expected.add("Hot " + p + " v" + v);
            }
            assertThat(namesApplied(CONTRACT + "/" + PARTY + "/" + p)).as("participant %d", p)
                    .containsExactlyElementsOf(expected);
        }
        assertThat(rows(report).stream().mapToInt(r -> r.path("attempts").asInt()).max().orElse(0))
                .as("some records were retried").isGreaterThan(1);
        assertThat(app.sandbox.maxInFlight("oneflow")).isBetween(2, 4);
    }

    @Test
    void givenTwoBatches_whenTheSecondArrivesWhileTheFirstRetries_thenTheParticipantsUpdatesKeepArrivalOrder()
            throws Exception {
        start(Map.of("connections.oneflow.rate-limit", "none", "delivery.initial-backoff-ms", "150",
                "delivery.max-backoff-ms", "300"));
        app.sandbox.knobs().autoCreate(true).latencyMs(5).failNext("oneflow", 2, 503);
        List<ParticipantUpdate> first = new ArrayList<>();
        List<ParticipantUpdate> second = new ArrayList<>();
        for (int v = 0; v < 5; v++) {
            first.add(oneflow(1, "v" + v));
            second.add(oneflow(1, "v" + (v + 5)));
            second.add(oneflow(100 + v, "other " + v));
        }

        CompletableFuture<BatchReport> one = CompletableFuture.supplyAsync(() -> app.send(first));
        waitUntil(() -> app.sandbox.requestCount("oneflow") >= 1);
        BatchReport two = app.send(second);

        assertThat(one.get(30, TimeUnit.SECONDS).count(Outcome.UPDATED)).isEqualTo(5);
        assertThat(two.count(Outcome.UPDATED)).isEqualTo(10);
        assertThat(namesApplied(CONTRACT + "/" + PARTY + "/1")).containsExactly("v0", "v1", "v2", "v3", "v4", "v5",
                "v6", "v7", "v8", "v9");
    }

    @Test
    void givenRateLimit_whenManyRecords_thenNoOneSecondWindowAtTheSandboxSawMoreThanTheLimit() {
        start(Map.of("connections.oneflow.rate-limit", "20/1s", "connections.oneflow.max-concurrency", "8"));
        app.sandbox.knobs().autoCreate(true).recordRequestTimes(true);
        List<ParticipantUpdate> records = new ArrayList<>();
        for (int p = 1; p <= 70; p++) {
            records.add(oneflow(p, "Rate " + p));
        }

        BatchReport report = app.send(records);

        assertThat(report.count(Outcome.UPDATED)).isEqualTo(70);
        List<Long> times = app.sandbox.requestTimes("oneflow");
        assertThat(times).hasSize(70);
        assertThat(busiestWindow(times, Duration.ofSeconds(1))).isLessThanOrEqualTo(20);
    }

    @Test
    void givenAnOutage_whenTheBreakerOpens_thenRecordsWaitAndSucceedOnRecoveryWithinTheirAttempts()
            throws Exception {
        // a probe call is an attempt of the record that makes it: with one probe a second, no record can spend its
        // six attempts (at most two before the breaker opens, then one per probe it happens to make) while the
        // outage lasts, however the probes fall
        start(Map.of("connections.oneflow.rate-limit", "none", "connections.oneflow.breaker-failures", "3",
                "connections.oneflow.breaker-wait", "1s", "connections.oneflow.max-attempts", "6",
                "connections.oneflow.max-concurrency", "2"));
        app.sandbox.knobs().autoCreate(true).latencyMs(5).rate503(1.0).provider("oneflow");
        List<ParticipantUpdate> records = new ArrayList<>();
        for (int p = 1; p <= 12; p++) {
            records.add(oneflow(p, "After outage " + p));
        }
        ConnectionGate gate = app.app.gates().gate("oneflow");

        CompletableFuture<BatchReport> sent = CompletableFuture.supplyAsync(() -> app.send(records));
        waitUntil(() -> gate.state() == CircuitBreaker.State.OPEN);
        HealthCheck check = HealthCheckRegistry.get(app.app.camel()).getCheck("circuit-breakers").orElseThrow();
        assertThat(check.call().getDetails()).containsEntry("oneflow.circuit", "OPEN");
        // the outage outlasts six attempts' backoff (at most 20 + 40 + 80 + 160 + 200 ms here) three times over: the
        // batch stays unfinished all through 1.5 s of it (waiting for the breaker is no attempt)
        await("the batch waiting out the outage").pollDelay(Duration.ZERO).during(Duration.ofMillis(1500))
                .atMost(Duration.ofSeconds(10))
                .until(() -> !sent.isDone());
        assertThat(sent).isNotDone();
        app.sandbox.knobs().rate503(0);
        BatchReport report = sent.get(30, TimeUnit.SECONDS);

        assertThat(report.count(Outcome.UPDATED)).isEqualTo(12);
        assertThat(rows(report)).allSatisfy(r -> assertThat(r.path("attempts").asInt()).isBetween(1, 6));
        assertThat(gate.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(check.call().getDetails()).containsEntry("oneflow.circuit", "CLOSED");
    }

    @Test
    void givenAProviderThatKeepsFailing_whenTheRetryBudgetIsSpent_thenFailedBeforeTheAttemptsRunOut() {
        start(Map.of("connections.oneflow.rate-limit", "none", "connections.oneflow.retry-budget", "400ms",
                "connections.oneflow.max-attempts", "1000", "connections.oneflow.breaker-failures", "1000"));
        app.sandbox.knobs().autoCreate(true).rate503(1.0).provider("oneflow");

        BatchReport report = app.send(List.of(oneflow(1, "Never")));

        assertThat(report.count(Outcome.FAILED)).isEqualTo(1);
        JsonNode row = rows(report).get(0);
        assertThat(row.path("error_category").asText()).isEqualTo("transient");
        assertThat(row.path("attempts").asInt()).isBetween(2, 100);
    }

    @Test
    void givenOpenBreakerThatOutlastsTheBudget_whenARecordWaits_thenFailedAndTheWaitIsNoAttempt() {
        start(Map.of("connections.oneflow.rate-limit", "none", "connections.oneflow.retry-budget", "300ms",
                "connections.oneflow.breaker-failures", "1", "connections.oneflow.breaker-wait", "1h"));
        app.sandbox.knobs().autoCreate(true).failNext("oneflow", 1, 503);

        BatchReport report = app.send(List.of(oneflow(1, "Waits")));

        assertThat(report.count(Outcome.FAILED)).isEqualTo(1);
        JsonNode row = rows(report).get(0);
        assertThat(row.path("attempts").asInt()).isEqualTo(1);
        assertThat(row.path("message").asText()).contains("circuit breaker of connection 'oneflow' is open");
        assertThat(app.sandbox.requestCount("oneflow")).isEqualTo(1);
    }

    private void start(Map<String, String> extra) {
        app = TestApp.start(SandboxServer.start(0), dir, false, extra, false);
    }

    private static ParticipantUpdate oneflow(int participant, String name) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("contract_id", CONTRACT);
        fields.put("party_id", PARTY);
        fields.put("participant_id", Integer.toString(participant));
        fields.put("name", name);
        return TestApp.record("oneflow", null, fields);
    }

    private List<String> namesApplied(String locator) {
        return app.sandbox.appliedEdits().stream()
                .filter(e -> e.provider().equals("oneflow") && e.locator().equals(locator))
                .sorted(Comparator.comparingLong(AppliedEdit::nanoTime))
                .map(e -> e.fields().path("name").asText())
                .collect(Collectors.toList());
    }

    private static List<JsonNode> rows(BatchReport report) {
        try {
            List<JsonNode> rows = new ArrayList<>();
            MAPPER.readTree(report.reportFile().toFile()).path("rows").forEach(rows::add);
            return rows;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The most requests any half-open window of this length holds. */
    static int busiestWindow(List<Long> nanoTimes, Duration window) {
        List<Long> sorted = new ArrayList<>(nanoTimes);
        sorted.sort(null);
        long w = window.toNanos();
        int worst = 0;
        for (int i = 0, j = 0; i < sorted.size(); i++) {
            while (sorted.get(i) - sorted.get(j) >= w) {
                j++;
            }
            worst = Math.max(worst, i - j + 1);
        }
        return worst;
    }

    /** Bounded polling (Awaitility, every 10 ms): up to 20 s. */
    private static void waitUntil(java.util.function.BooleanSupplier condition) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10)).until(condition::getAsBoolean);
    }
}
