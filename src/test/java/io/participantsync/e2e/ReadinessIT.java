package io.participantsync.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.participantsync.support.TestApp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Readiness of the real service: ready only while the JMS broker and the state store are reachable. */
class ReadinessIT {

    private final HttpClient client = HttpClient.newHttpClient();

    @Test
    void givenRunningService_whenStateStoreOrBrokerGoesDown_thenNotReadyNamingItWhileLiveStaysUp() throws Exception {
        try (TestApp app = TestApp.start(Files.createTempDirectory("ps-ready"), true, Map.of())) {
            String base = "http://127.0.0.1:" + app.app.settings().get("camel.management.port") + "/observe/health";
            HttpResponse<String> ready = awaitStatus(base + "/ready", 200);
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);

            app.app.queues().broker().stop();
            HttpResponse<String> brokerDown = awaitStatus(base + "/ready", 503);
            assertThat(brokerDown.statusCode()).isEqualTo(503);
            assertThat(brokerDown.body()).contains("broker");

            app.app.stateStore().close();
            HttpResponse<String> bothDown = get(base + "/ready");
            assertThat(bothDown.statusCode()).isEqualTo(503);
            assertThat(bothDown.body()).contains("state-store");
            assertThat(get(base + "/live").statusCode()).isEqualTo(200);
        }
    }

    /** Polls (Awaitility, up to 20 s; fails with the last answer's body) until {@code url} answers {@code status}. */
    private HttpResponse<String> awaitStatus(String url, int status) {
        AtomicReference<HttpResponse<String>> last = new AtomicReference<>();
        await(url + " " + status).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> {
                    last.set(get(url));
                    assertThat(last.get().statusCode()).as(last.get().body()).isEqualTo(status);
                });
        return last.get();
    }

    private HttpResponse<String> get(String url) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
