package io.participantsync.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.participantsync.intake.HttpIntake;
import io.participantsync.support.LogCapture;
import io.participantsync.support.TestApp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;

/** The HTTP API with no API key configured: loopback clients need no key, and startup warns about it. */
class HttpApiLoopbackIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void givenNoApiKeys_whenLoopbackClientPostsWithoutKey_thenAcceptedAndStartupWarned() throws Exception {
        List<String> warnings;
        LogCapture log = LogCapture.of(HttpIntake.class);
        Path dir = Files.createTempDirectory("ps-http-loopback");
        try (TestApp app = TestApp.start(dir, true, Map.of("http.api-keys", ""))) {
            String base = "http://127.0.0.1:" + app.app.settings().get("camel.server.port");
            HttpClient client = HttpClient.newHttpClient();
            HttpRequest post = HttpRequest.newBuilder(URI.create(base + "/api/v1/participant-updates?wait=30"))
                    .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"provider\": \"zoho\", \"organization\": "
                            + "\"NordicExampleAB\", \"current_email\": \"asa.oberg@example.com\", \"name\": \"Å\"}",
                            StandardCharsets.UTF_8))
                    .build();

            HttpResponse<String> r = client.send(post, HttpResponse.BodyHandlers.ofString());

            assertThat(r.statusCode()).isEqualTo(200);
            JsonNode report = JSON.readTree(r.body());
            assertThat(report.path("counts").path("updated").asInt()).isEqualTo(1);
            HttpResponse<String> get = client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/batches/"
                    + report.path("batch_id").asText())).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(get.statusCode()).isEqualTo(200);
            assertThat(app.sandbox.appliedEdits()).hasSize(1);
        } finally {
            warnings = log.messages(Level.WARN);
            log.close();
        }
        assertThat(warnings).anySatisfy(m -> assertThat(m).contains("http.api-keys is not set").contains("loopback"));
    }
}
