package io.participantsync.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.participantsync.core.BatchReport;
import io.participantsync.model.Outcome;
import io.participantsync.support.TestApp;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /observe/metrics after one batch of known outcomes on the sandbox: record counters and provider call latency. */
class MetricsEndpointIT {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)\\{([^}]*)} (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    @TempDir
    static Path dir;

    private static TestApp app;
    private static BatchReport report;

    @BeforeAll
    static void startAndSendOneBatch() {
        app = TestApp.start(dir, true, Map.of());
        report = app.send(List.of(
                // two updates the sandbox applies
                TestApp.record("oneflow", null, Map.of("contract_id", "100101", "party_id", "200101",
                        "participant_id", "300101", "name", "Åsa Öberg-Lind")),
                TestApp.record("oneflow", null, Map.of("contract_id", "100101", "party_id", "200101",
                        "participant_id", "300102", "title", "Sales Lead")),
                // one the sandbox refuses with a 4xx: the owner-side participant's email cannot change
                TestApp.record("oneflow", null, Map.of("contract_id", "100101", "party_id", "200100",
                        "participant_id", "300100", "email", "new.owner@example.com")),
                // rejected before any call: the provider name is not one we know
                TestApp.record("acme-sign", "made-up-connection", Map.of("email", "x@example.com"))));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void givenBatchWithKnownOutcomes_whenScraped_thenRecordsCountedPerConnectionProviderAndOutcome() {
        assertThat(report.count(Outcome.UPDATED)).isEqualTo(2);
        assertThat(report.count(Outcome.REJECTED)).isEqualTo(2);

        HttpResponse<String> metrics = app.get("/observe/metrics");

        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type")).get().asString().startsWith("text/plain");
        assertThat(metrics.body()).contains("participant_sync_records_total{");
        List<Sample> records = samples(metrics.body(), "participant_sync_records_total");
        assertThat(records).containsExactlyInAnyOrder(
                new Sample(Map.of("connection", "oneflow", "provider", "oneflow", "outcome", "updated"), 2.0),
                new Sample(Map.of("connection", "oneflow", "provider", "oneflow", "outcome", "rejected"), 1.0),
                // names from bad input never become series of their own
                new Sample(Map.of("connection", "unknown", "provider", "unknown", "outcome", "rejected"), 1.0));
    }

    @Test
    void givenBatchWithKnownOutcomes_whenScraped_thenProviderCallLatencyHistogramPerConnectionAndStatusClass() {
        String body = app.get("/observe/metrics").body();

        Map<String, String> ok = Map.of("connection", "oneflow", "provider", "oneflow", "outcome", "2xx");
        Map<String, String> refused = Map.of("connection", "oneflow", "provider", "oneflow", "outcome", "4xx");
        assertThat(samples(body, "participant_sync_provider_call_seconds_count"))
                .containsExactlyInAnyOrder(new Sample(ok, 2.0), new Sample(refused, 1.0));
        List<Sample> buckets = samples(body, "participant_sync_provider_call_seconds_bucket");
        assertThat(buckets).contains(new Sample(with(ok, "le", "+Inf"), 2.0), new Sample(with(ok, "le", "30.0"), 2.0),
                new Sample(with(refused, "le", "+Inf"), 1.0));
        assertThat(buckets.stream().filter(s -> s.labels().get("outcome").equals("2xx")).map(s -> s.labels()
                .get("le"))).contains("0.01", "0.1", "1.0", "10.0", "+Inf");
        assertThat(samples(body, "participant_sync_provider_call_seconds_sum"))
                .allSatisfy(s -> assertThat(s.value()).isPositive());
    }

    @Test
    void givenRunningService_whenScraped_thenCamelsOwnMetricsOnTheSameEndpoint() {
        String body = app.get("/observe/metrics").body();

        assertThat(samples(body, "camel_exchanges_total")).anySatisfy(s -> {
            assertThat(s.labels()).containsEntry("routeId", "dispatch-update");
            assertThat(s.value()).isEqualTo(4.0);
        });
    }

    /** One sample line of the Prometheus text format. */
    record Sample(Map<String, String> labels, double value) {
    }

    private static List<Sample> samples(String body, String name) {
        List<Sample> out = new ArrayList<>();
        for (String line : body.split("\n")) {
            Matcher m = SAMPLE.matcher(line.trim());
            if (m.matches() && m.group(1).equals(name)) {
                Map<String, String> labels = new LinkedHashMap<>();
                Matcher l = LABEL.matcher(m.group(2));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
                out.add(new Sample(labels, Double.parseDouble(m.group(3))));
            }
        }
        return out;
    }

    private static Map<String, String> with(Map<String, String> labels, String key, String value) {
        Map<String, String> m = new LinkedHashMap<>(labels);
        m.put(key, value);
        return m;
    }
}
