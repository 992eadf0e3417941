package io.participantsync.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.participantsync.support.TestApp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Verifies that the service with management and metrics on serves the circuit gauge and the readiness check. */
class CircuitObservabilityIT {

    @TempDir
    Path dir;

    @Test
    void givenMetricsAndManagementOn_whenScraped_thenEveryConnectionHasACircuitGaugeAndReadinessListsTheCheck()
            throws Exception {
        int port = TestApp.freePort();
        try (TestApp app = TestApp.start(dir, true, Map.of("camel.metrics.enabled", "true",
                "camel.management.enabled", "true", "camel.management.port", Integer.toString(port),
                "camel.management.metricsEnabled", "true", "camel.management.healthCheckEnabled", "true",
                "camel.health.exposureLevel", "full", "jms.enabled", "false"))) {
            HttpClient http = HttpClient.newHttpClient();

            String metrics = get(http, port, "/observe/metrics").body();
            HttpResponse<String> ready = get(http, port, "/observe/health/ready");

            List<String> gauges = metrics.lines().filter(l -> l.startsWith("participant_sync_circuit_state{"))
                    .collect(Collectors.toList());
            assertThat(gauges).contains("participant_sync_circuit_state{connection=\"oneflow\"} 0.0",
                    "participant_sync_circuit_state{connection=\"zoho-eu\"} 0.0").hasSize(7);
            JsonNode checks = new ObjectMapper().readTree(ready.body()).path("checks");
            JsonNode circuit = StreamSupport.stream(checks.spliterator(), false)
                    .filter(c -> c.path("name").asText().equals("circuit-breakers")).findFirst().orElseThrow();
            // the per-connection details are checked on the check itself (ConnectionGateTest, DeliveryLimitsIT)
            assertThat(circuit.path("status").asText()).isEqualTo("UP");
        }
    }

    private static HttpResponse<String> get(HttpClient http, int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
