package io.participantsync.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.participantsync.state.StoredBatch;
import io.participantsync.support.TestApp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import org.apache.camel.Route;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The schedule edge and the sync-job API with the YAML routes loaded from routes/: one route per job with a cron
 * (Quartz fires it), manual runs by POST, the run list by GET, and problem+json for an unknown job.
 */
class SyncJobScheduleIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static TestApp app;
    private static Path dir;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("ps-schedule");
        String source = "jdbc:h2:file:" + dir.resolve("source");
        try (Connection c = DriverManager.getConnection(source); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE people (contract_id INT, party_id INT, participant_id INT, name VARCHAR(100))");
            s.execute("INSERT INTO people VALUES (100101, 200101, 300101, 'Åsa Öberg-Lind')");
        }
        Map<String, String> props = new LinkedHashMap<>();
        for (String job : List.of("tick", "manual", "listed", "broken")) {
            props.put("sync-jobs." + job + ".source", "jdbc");
            props.put("sync-jobs." + job + ".jdbc-url", source);
            props.put("sync-jobs." + job + ".query", "SELECT * FROM people");
            props.put("sync-jobs." + job + ".provider", "oneflow");
        }
        props.put("sync-jobs.broken.query", "SELECT * FROM no_such_table");
        // every second, in Quartz syntax (a leading seconds field, '?' for day-of-week)
        props.put("sync-jobs.tick.cron", "0/1 * * * * ?");
        app = TestApp.start(dir, true, props);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void givenJobWithCron_whenServiceRuns_thenItsRouteExistsAndQuartzRunsIt() {
        assertThat(app.app.camel().getRoutes()).extracting(Route::getRouteId)
                .contains("sync-job-tick").doesNotContain("sync-job-manual");

        await(() -> app.app.stateStore().jobRuns("tick", 5).stream()
                .anyMatch(b -> b.status().equals(StoredBatch.COMPLETED)));

        StoredBatch run = app.app.stateStore().jobRuns("tick", 5).stream()
                .filter(b -> b.status().equals(StoredBatch.COMPLETED)).reduce((a, b) -> b).orElseThrow();
        assertThat(run.sourceKind()).isEqualTo("sync-job");
        assertThat(run.received()).isEqualTo(1);
    }

    @Test
    void givenKnownJob_whenPostRun_then202WithBatchIdAndTheRunIsListed() throws Exception {
        HttpResponse<String> posted = send("POST", "/api/v1/sync-jobs/manual/runs");

        assertThat(posted.statusCode()).isEqualTo(202);
        JsonNode body = JSON.readTree(posted.body());
        String batchId = body.path("batch_id").asText();
        assertThat(body).isEqualTo(JSON.readTree("{\"job\": \"manual\", \"batch_id\": \"" + batchId
                + "\", \"status_url\": \"/api/v1/batches/" + batchId + "\", \"runs_url\": "
                + "\"/api/v1/sync-jobs/manual/runs\"}"));

        await(() -> unchecked(() -> listed(batchId)).path("status").asText().equals("completed"));
        JsonNode run = listed(batchId);
        assertThat(run.path("counts").path("received").asInt()).isEqualTo(1);
        assertThat(run.path("counts").path("received").asInt()).isEqualTo(run.path("counts").path("updated").asInt()
                + run.path("counts").path("unchanged").asInt());
        assertThat(run.path("report_url").asText()).isEqualTo("/api/v1/batches/" + batchId);
    }

    @Test
    void givenSourceThatCannotBeRead_whenPostRun_thenTheRunIsFailedWithItsReasonInTheListAndTheBatch()
            throws Exception {
        HttpResponse<String> posted = send("POST", "/api/v1/sync-jobs/broken/runs");
        assertThat(posted.statusCode()).isEqualTo(202);
        String batchId = JSON.readTree(posted.body()).path("batch_id").asText();

        await(() -> !unchecked(() -> listed("broken", batchId)).path("status").asText("running").equals("running"));

        JsonNode run = listed("broken", batchId);
        assertThat(run.path("status").asText()).isEqualTo("failed");
        assertThat(run.path("failure").asText()).startsWith("cannot read the source: ").contains("NO_SUCH_TABLE");
        assertThat(run.path("counts").path("received").asInt()).isZero();
        HttpResponse<String> batch = send("GET", "/api/v1/batches/" + batchId);
        assertThat(batch.statusCode()).isEqualTo(200);
        JsonNode report = JSON.readTree(batch.body());
        assertThat(report.path("status").asText()).isEqualTo("failed");
        assertThat(report.path("failure").asText()).isEqualTo(run.path("failure").asText());
        assertThat(app.app.stateStore().findBatch(batchId).orElseThrow().status()).isEqualTo(StoredBatch.FAILED);
    }

    @Test
    void givenTwoRuns_whenListed_thenNewestFirst() throws Exception {
        String first = app.app.syncJobRunner().run("listed", null).batchId();
        String second = app.app.syncJobRunner().run("listed", null).batchId();

        HttpResponse<String> listed = send("GET", "/api/v1/sync-jobs/listed/runs?limit=2");

        assertThat(listed.statusCode()).isEqualTo(200);
        assertThat(listed.headers().firstValue("Content-Type")).get().asString().startsWith("application/json");
        JsonNode runs = JSON.readTree(listed.body());
        assertThat(first).isNotNull();
        assertThat(runs.size()).isEqualTo(2);
        assertThat(runs.get(0).path("batch_id").asText()).isEqualTo(second);
        assertThat(runs.get(1).path("batch_id").asText()).isEqualTo(first);
    }

    @Test
    void givenUnknownJob_whenGetOrPostRuns_then404ProblemJson() throws Exception {
        for (String method : List.of("GET", "POST")) {
            HttpResponse<String> r = send(method, "/api/v1/sync-jobs/nope/runs");

            assertThat(r.statusCode()).as(method).isEqualTo(404);
            assertThat(r.headers().firstValue("Content-Type")).get().asString()
                    .startsWith("application/problem+json");
            JsonNode problem = JSON.readTree(r.body());
            assertThat(problem.path("status").asInt()).isEqualTo(404);
            assertThat(problem.path("title").asText()).isEqualTo("Not Found");
            assertThat(problem.path("detail").asText())
                    .isEqualTo("no sync job named 'nope' (configured: broken, listed, manual, tick)");
        }
    }

    @Test
    void givenBadLimit_whenGetRuns_then400ProblemJson() throws Exception {
        HttpResponse<String> r = send("GET", "/api/v1/sync-jobs/manual/runs?limit=1000");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).path("detail").asText()).isEqualTo("limit must be an integer from 1 to 100");
    }

    private static JsonNode listed(String batchId) throws Exception {
        return listed("manual", batchId);
    }

    private static JsonNode listed(String job, String batchId) throws Exception {
        for (JsonNode run : JSON.readTree(send("GET", "/api/v1/sync-jobs/" + job + "/runs?limit=100").body())) {
            if (run.path("batch_id").asText().equals(batchId)) {
                return run;
            }
        }
        return JSON.missingNode();
    }

    private static HttpResponse<String> send(String method, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(app.apiUrl() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Bounded polling (Awaitility, every 50 ms): up to 20 s. */
    static void await(BooleanSupplier condition) {
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(condition::getAsBoolean);
    }

    static <T> T unchecked(Callable<T> c) {
        try {
            return c.call();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
