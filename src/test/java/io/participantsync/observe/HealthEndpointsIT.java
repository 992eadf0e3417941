package io.participantsync.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.participantsync.support.TestApp;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Liveness and readiness on the management port, with a fake dependency that goes down and comes back. */
class HealthEndpointsIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static TestApp app;
    private static final FakeCheck BROKER = new FakeCheck("broker");

    @BeforeAll
    static void start() {
        app = TestApp.start(dir, true, Map.of());
        app.app.camel().getRegistry().bind("fakeBrokerReadiness", BROKER);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @AfterEach
    void brokerBackUp() {
        BROKER.answer.set(ReadinessCheck.Result.up());
    }

    @Test
    void givenRunningService_whenLiveAsked_then200Up() throws Exception {
        HttpResponse<String> live = app.get("/observe/health/live");

        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(live.body()).path("status").asText()).isEqualTo("UP");
    }

    @Test
    void givenDependencyUp_whenItGoesDown_thenReady200Then503AndLiveStays200() throws Exception {
        HttpResponse<String> ready = awaitReady();
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        assertThat(check(JSON.readTree(ready.body())).path("message").asText())
                .isEqualTo("all dependencies reachable");

        BROKER.answer.set(ReadinessCheck.Result.down("connection refused on 127.0.0.1:61616"));
        HttpResponse<String> notReady = app.get("/observe/health/ready?data=true");
        HttpResponse<String> live = app.get("/observe/health/live");

        assertThat(notReady.statusCode()).isEqualTo(503);
        JsonNode body = JSON.readTree(notReady.body());
        assertThat(body.path("status").asText()).isEqualTo("DOWN");
        assertThat(check(body).path("status").asText()).isEqualTo("DOWN");
        assertThat(check(body).path("message").asText())
                .isEqualTo("not ready: broker (connection refused on 127.0.0.1:61616)");
        assertThat(check(body).path("data").path("broker").asText())
                .isEqualTo("DOWN: connection refused on 127.0.0.1:61616");
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(live.body()).path("status").asText()).isEqualTo("UP");

        BROKER.answer.set(ReadinessCheck.Result.up());
        assertThat(app.get("/observe/health/ready").statusCode()).isEqualTo(200);
    }

    @Test
    void givenCheckThatThrowsWithQuotes_whenReadyAsked_then503WithParseableJsonNamingTheError() throws Exception {
        awaitReady();
        BROKER.failure = new IllegalStateException("journal \"locked\"");
        try {
            HttpResponse<String> ready = app.get("/observe/health/ready");

            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(check(JSON.readTree(ready.body())).path("message").asText())
                    .isEqualTo("not ready: broker (IllegalStateException: journal 'locked')");
        } finally {
            BROKER.failure = null;
        }
    }

    @Test
    void givenRunningService_whenFullHealthAsked_thenOurCheckIsListed() throws Exception {
        awaitReady();

        HttpResponse<String> health = app.get("/observe/health");

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(check(JSON.readTree(health.body())).path("status").asText()).isEqualTo("UP");
    }

    /**
     * Readiness also waits for Camel's own checks: the CSV drop's consumer counts as down until its first poll.
     * Bounded polling (Awaitility, up to 15 s; fails with the last answer's body); returns the 200 answer.
     */
    private static HttpResponse<String> awaitReady() {
        AtomicReference<HttpResponse<String>> last = new AtomicReference<>();
        await("readiness 200").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> {
                    last.set(app.get("/observe/health/ready"));
                    assertThat(last.get().statusCode()).as(last.get().body()).isEqualTo(200);
                });
        return last.get();
    }

    /** Our aggregate check inside a health answer. */
    private static JsonNode check(JsonNode health) {
        for (JsonNode c : health.path("checks")) {
            if (ReadinessHealthCheck.ID.equals(c.path("name").asText())) {
                return c;
            }
        }
        throw new AssertionError("no " + ReadinessHealthCheck.ID + " in " + health);
    }

    /** A dependency whose answer the test sets. */
    static final class FakeCheck implements ReadinessCheck {
        final AtomicReference<Result> answer = new AtomicReference<>(Result.up());
        volatile RuntimeException failure;
        private final String name;

        FakeCheck(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Result check() {
            if (failure != null) {
                throw failure;
            }
            return answer.get();
        }
    }
}
