package io.participantsync.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.participantsync.support.TestApp;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The console's JSON endpoints end to end (routes/api-console.camel.yaml on real HTTP, the sandbox as the
 * providers, H2 as the state store): authentication, batch history with filters and paging, every record's
 * outcome, outcomes over time, connections, dead letters with dry run, validated edits and replay (two concurrent
 * replays of one letter send it once), sync jobs, and 400 on every bad filter.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleApiIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "console-key-51c2e0";
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static TestApp app;
    private static String base;
    private static String badBatch;
    private static String mixedBatch;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("ps-console-api");
        String source = "jdbc:h2:file:" + dir.resolve("source");
        try (Connection c = DriverManager.getConnection(source); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE people (contract_id INT, party_id INT, participant_id INT, name VARCHAR(100))");
            s.execute("INSERT INTO people VALUES (100101, 200101, 300101, 'Åsa Öberg-Lind')");
        }
        Map<String, String> props = new LinkedHashMap<>();
        props.put("http.api-keys", KEY);
        props.put("sync-jobs.nightly.source", "jdbc");
        props.put("sync-jobs.nightly.jdbc-url", source);
        props.put("sync-jobs.nightly.query", "SELECT * FROM people");
        props.put("sync-jobs.nightly.provider", "oneflow");
        props.put("sync-jobs.nightly.cron", "0 0 3 * * ?");
        app = TestApp.start(dir, true, props);
        base = "http://127.0.0.1:" + app.app.settings().get("camel.server.port");
        badBatch = postCsv("bad-rows.csv");
        mixedBatch = postCsv("mixed.csv");
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    // ---- authentication ------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"/api/v1/session", "/api/v1/batches", "/api/v1/outcomes", "/api/v1/connections",
        "/api/v1/dead-letters", "/api/v1/dead-letters/1", "/api/v1/sync-jobs", "/api/v1/batches/x/records",
        "/api/v1/batches/x/summary", "/api/v1/batches/x/report.json", "/api/v1/batches/x/rejected.csv"})
    void givenKeysConfigured_whenNoKeyOrAWrongKey_then401AndNoData(String path) throws Exception {
        HttpResponse<String> none = get(path, null);
        HttpResponse<String> wrong = get(path, "not-the-key");

        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(wrong.body()).path("detail").asText()).contains("not valid");
        for (HttpResponse<String> r : List.of(none, wrong)) {
            assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(r.body()).doesNotContain("bad-rows.csv").doesNotContain("items");
        }
    }

    @Test
    void givenKeysConfigured_whenTheConsolePageIsAskedForWithoutAKey_thenItLoadsAndHoldsNoData() throws Exception {
        HttpResponse<String> page = get("/console/batches/" + badBatch, null);
        HttpResponse<String> session = get("/api/v1/session", KEY);

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElse("")).contains("script-src 'self'");
        assertThat(page.body()).doesNotContain("bad-rows.csv");
        assertThat(JSON.readTree(session.body()).path("auth").asText()).isEqualTo("key");
        assertThat(get("/console/lib/uplot/uPlot.iife.min.js", null).statusCode()).isEqualTo(200);
        assertThat(get("/console/assets/../../etc/passwd", null).statusCode()).isEqualTo(404);
        assertThat(get("/console/assets/no-such-file.js", null).statusCode()).isEqualTo(404);
    }

    // ---- batches -------------------------------------------------------------------------------------------

    @Test
    void givenTwoBatches_whenListed_thenNewestFirstWithCountsThatAddUp() throws Exception {
        JsonNode items = ok("/api/v1/batches?kind=http").path("items");

        List<String> ids = ids(items, "batch_id");
        assertThat(ids).containsSubsequence(mixedBatch, badBatch);
        for (JsonNode b : items) {
            JsonNode c = b.path("counts");
            assertThat(c.path("received").asLong()).isEqualTo(c.path("updated").asLong()
                    + c.path("unchanged").asLong() + c.path("rejected").asLong() + c.path("failed").asLong());
        }
        JsonNode bad = find(items, "batch_id", badBatch);
        assertThat(bad.path("counts").path("received").asInt()).isEqualTo(16);
        assertThat(bad.path("counts").path("rejected").asInt()).isEqualTo(14);
        assertThat(bad.path("status").asText()).isEqualTo("completed");
        assertThat(bad.path("duration_ms").asLong()).isNotNegative();
    }

    @Test
    void givenFilters_whenListed_thenOnlyMatchingBatches() throws Exception {
        assertThat(ids(ok("/api/v1/batches?status=problems").path("items"), "batch_id"))
                .contains(badBatch).doesNotContain(mixedBatch);
        assertThat(ok("/api/v1/batches?kind=jms").path("items")).isEmpty();
        assertThat(ok("/api/v1/batches?since=2000-01-01&until=2000-01-02").path("items")).isEmpty();
        assertThat(ids(ok("/api/v1/batches?since=2000-01-01").path("items"), "batch_id"))
                .contains(badBatch, mixedBatch);
    }

    @Test
    void givenLimitOne_whenPagesAreFollowed_thenEveryBatchOnceAndTheLastPageHasNoNext() throws Exception {
        int total = ok("/api/v1/batches?limit=200").path("items").size();
        List<String> seen = new ArrayList<>();
        String next = null;
        do {
            JsonNode page = ok("/api/v1/batches?limit=1" + (next == null ? "" : "&before=" + next));
            assertThat(page.path("items").size()).isLessThanOrEqualTo(1);
            seen.addAll(ids(page.path("items"), "batch_id"));
            next = page.path("next").isNull() ? null : page.path("next").asText();
        } while (next != null && seen.size() <= total);

        assertThat(seen).hasSize(total).doesNotHaveDuplicates();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/v1/batches?status=done", "/api/v1/batches?kind=ftp", "/api/v1/batches?limit=0",
        "/api/v1/batches?limit=201", "/api/v1/batches?since=yesterday", "/api/v1/batches?before=not-a-cursor",
        "/api/v1/outcomes?range=year", "/api/v1/dead-letters?category=updated", "/api/v1/dead-letters?state=gone",
        "/api/v1/dead-letters?before=x", "/api/v1/dead-letters/abc", "/api/v1/batches/x/records?outcome=lost"})
    void givenABadFilter_whenListed_then400NamingTheParameter(String path) throws Exception {
        String p = path.replace("/x/", "/" + badBatch + "/");
        HttpResponse<String> r = get(p, KEY);

        assertThat(r.statusCode()).as(p).isEqualTo(400);
        String param = p.contains("?") ? p.substring(p.indexOf('?') + 1, p.indexOf('=')) : "id";
        assertThat(JSON.readTree(r.body()).path("detail").asText()).as(p).contains(param);
    }

    @Test
    void givenABatch_whenItsRecordsArePaged_thenEveryRecordOnceInRowOrderAndFailuresFilter() throws Exception {
        List<JsonNode> all = new ArrayList<>();
        String next = null;
        do {
            JsonNode page = ok("/api/v1/batches/" + badBatch + "/records?limit=5" + (next == null ? ""
                    : "&after=" + next));
            page.path("items").forEach(all::add);
            next = page.path("next").isNull() ? null : page.path("next").asText();
        } while (next != null && all.size() <= 16);
        JsonNode failures = ok("/api/v1/batches/" + badBatch + "/records?outcome=rejected,failed&limit=200")
                .path("items");

        assertThat(all).hasSize(16);
        assertThat(all.stream().map(r -> r.path("row").asInt()).toList()).isSorted().doesNotHaveDuplicates();
        assertThat(failures).hasSize(14);
        for (JsonNode r : failures) {
            assertThat(r.path("outcome").asText()).isIn("rejected", "failed");
            assertThat(r.path("message").asText()).contains(" row " + r.path("row").asInt() + ": ");
            assertThat(r.path("dead_letter_id").isNumber()).isTrue();
        }
        JsonNode provider = failures.findParents("http_status").stream()
                .filter(r -> r.path("http_status").isInt()).findFirst().orElseThrow();
        assertThat(provider.path("provider_message").asText()).isNotBlank();
        assertThat(get("/api/v1/batches/no-such-batch/records", KEY).statusCode()).isEqualTo(404);
    }

    @Test
    void givenACsvBatch_whenItsDownloadsAreAskedFor_thenTheReportAndTheRejectedCsvAsAttachments() throws Exception {
        JsonNode summary = ok("/api/v1/batches/" + badBatch + "/summary");
        HttpResponse<String> report = get("/api/v1/batches/" + badBatch + "/report.json", KEY);
        HttpResponse<String> csv = get("/api/v1/batches/" + badBatch + "/rejected.csv", KEY);

        assertThat(summary.path("records_kept").asBoolean()).isTrue();
        assertThat(report.statusCode()).isEqualTo(200);
        assertThat(report.headers().firstValue("Content-Disposition").orElse("")).startsWith("attachment");
        assertThat(JSON.readTree(report.body()).path("rows")).hasSize(16);
        assertThat(summary.path("rejected_csv").asBoolean()).isTrue();
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        assertThat(csv.body().lines().count()).isEqualTo(15);
        assertThat(get("/api/v1/batches/" + mixedBatch + "/rejected.csv", KEY).statusCode()).isEqualTo(404);
    }

    // ---- overview ------------------------------------------------------------------------------------------

    @Test
    void givenBatchesThisHour_whenOutcomesAreAskedFor_thenEveryBucketAndTheirSumsMatchTheBatches() throws Exception {
        JsonNode hour = ok("/api/v1/outcomes?range=hour");
        JsonNode week = ok("/api/v1/outcomes?range=week");

        assertThat(hour.path("buckets")).hasSize(60);
        assertThat(week.path("buckets")).hasSize(168);
        assertThat(ok("/api/v1/outcomes").path("buckets")).hasSize(24);
        long rejected = 0;
        for (JsonNode b : hour.path("buckets")) {
            rejected += b.path("rejected").asLong();
        }
        long listed = 0;
        for (JsonNode b : ok("/api/v1/batches?limit=200").path("items")) {
            listed += b.path("counts").path("rejected").asLong();
        }
        assertThat(rejected).isEqualTo(listed).isGreaterThanOrEqualTo(14);
    }

    @Test
    void givenCallsMade_whenConnectionsAreAskedFor_thenEachWithStateLatencyAndLimits() throws Exception {
        JsonNode items = ok("/api/v1/connections").path("items");

        assertThat(ids(items, "name")).contains("oneflow", "zigned", "signinghub", "eviasign", "zoho");
        JsonNode oneflow = find(items, "name", "oneflow");
        assertThat(oneflow.path("state").asText()).isEqualTo("ok");
        assertThat(oneflow.path("calls").asInt()).isPositive();
        assertThat(oneflow.path("latency_ms").path("p95").asDouble())
                .isGreaterThanOrEqualTo(oneflow.path("latency_ms").path("p50").asDouble()).isPositive();
        assertThat(oneflow.path("rate_limit").path("limit").asInt()).isPositive();
        assertThat(oneflow.path("in_flight").asInt()).isNotNegative();
    }

    @Test
    void givenAConfiguredJob_whenSyncJobsAreListedAndOneRunsNow_thenScheduleNextRunAndTheRun() throws Exception {
        HttpResponse<String> started = send("POST", "/api/v1/sync-jobs/nightly/runs", null);
        String batch = JSON.readTree(started.body()).path("batch_id").asText();
        await().atMost(Duration.ofSeconds(30)).until(() -> find(ok("/api/v1/sync-jobs").path("items"), "name",
                "nightly").path("last_runs").findValuesAsText("status").contains("completed"));
        JsonNode job = find(ok("/api/v1/sync-jobs").path("items"), "name", "nightly");

        assertThat(started.statusCode()).isEqualTo(202);
        assertThat(job.path("schedule").asText()).isEqualTo("0 0 3 * * ?");
        // Quartz reads the cron in the JVM's time zone, as the scheduler does
        java.util.Date next = new org.quartz.CronExpression("0 0 3 * * ?").getNextValidTimeAfter(new java.util.Date());
        assertThat(java.time.Instant.parse(job.path("next_run").asText())).isEqualTo(next.toInstant());
        assertThat(job.path("source").asText()).isEqualTo("jdbc");
        assertThat(job.path("last_runs").get(0).path("batch_id").asText()).isEqualTo(batch);
        assertThat(job.path("last_runs").get(0).path("counts").path("received").asInt()).isEqualTo(1);
    }

    // ---- dead letters --------------------------------------------------------------------------------------

    @Test
    void givenRejectedRows_whenDeadLettersAreListedAndFiltered_thenOnlyMatchingOnes() throws Exception {
        JsonNode all = ok("/api/v1/dead-letters?state=all&limit=200").path("items");
        JsonNode zigned = ok("/api/v1/dead-letters?state=all&provider=zigned&limit=200").path("items");
        JsonNode text = ok("/api/v1/dead-letters?state=all&q=" + enc("NOT AN INTEGER") + "&limit=200").path("items");

        assertThat(all.size()).isGreaterThanOrEqualTo(14);
        assertThat(zigned).isNotEmpty().allSatisfy(d -> assertThat(d.path("provider").asText()).isEqualTo("zigned"));
        assertThat(zigned.size()).isLessThan(all.size());
        assertThat(text).isNotEmpty().allSatisfy(d -> assertThat(d.path("message").asText().toLowerCase())
                .contains("not an integer"));
        assertThat(ok("/api/v1/dead-letters?category=failed").path("items")).isEmpty();
        List<Long> newestFirst = new ArrayList<>();
        all.forEach(d -> newestFirst.add(d.path("id").asLong()));
        assertThat(newestFirst).isSortedAccordingTo((a, b) -> Long.compare(b, a));
    }

    @Test
    void givenADeadLetter_whenOpened_thenItsRecordReasonAndFields() throws Exception {
        JsonNode letter = ok("/api/v1/dead-letters/" + letterId("participant_id: is required"));

        assertThat(letter.path("provider").asText()).isEqualTo("oneflow");
        assertThat(letter.path("record").path("contract_id").asText()).isEqualTo("100101");
        assertThat(letter.path("message").asText()).contains("participant_id");
        assertThat(letter.path("fields").toString()).contains("participant_id", "email");
        assertThat(letter.path("original_row").path("contract_id").asText()).isEqualTo("100101");
        assertThat(get("/api/v1/dead-letters/99999999", KEY).statusCode()).isEqualTo(404);
    }

    @Test
    void givenAnInvalidEdit_whenReplayed_then422NamingTheFieldAndNothingIsSent() throws Exception {
        long id = letterId("participant_id: is required");
        int before = app.sandbox.requestCount("oneflow");

        HttpResponse<String> r = send("POST", "/api/v1/dead-letters/replay", "{\"ids\": [" + id + "], \"edits\": {\""
                + id + "\": {\"participant_id\": \"300101\", \"email\": \"not-an-email\"}}}");
        HttpResponse<String> unknownField = send("POST", "/api/v1/dead-letters/replay", "{\"ids\": [" + id
                + "], \"edits\": {\"" + id + "\": {\"shoe_size\": \"44\"}}}");

        assertThat(r.statusCode()).isEqualTo(422);
        JsonNode errors = JSON.readTree(r.body()).path("errors");
        assertThat(errors.findValuesAsText("field")).contains("email");
        assertThat(unknownField.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(unknownField.body()).path("errors").findValuesAsText("field")).contains("shoe_size");
        assertThat(app.sandbox.requestCount("oneflow")).isEqualTo(before);
        assertThat(ok("/api/v1/dead-letters/" + id).path("replayed_by").isNull()).isTrue();
    }

    @Test
    void givenADryRun_whenAsked_thenTheRequestEachWouldSendAndNothingIsSentOrClaimed() throws Exception {
        long id = letterId("participant_id: is required");
        int before = app.sandbox.requestCount("oneflow");

        JsonNode plain = JSON.readTree(send("POST", "/api/v1/dead-letters/replay", "{\"ids\": [" + id
                + "], \"dry_run\": true}").body()).path("items").get(0);
        JsonNode edited = JSON.readTree(send("POST", "/api/v1/dead-letters/replay", "{\"ids\": [" + id
                + "], \"dry_run\": true, \"edits\": {\"" + id + "\": {\"participant_id\": \"300101\"}}}").body())
                .path("items").get(0);

        assertThat(plain.path("result").asText()).isEqualTo("would_reject");
        assertThat(plain.path("problems").findValuesAsText("field")).contains("participant_id");
        assertThat(edited.path("result").asText()).isEqualTo("would_send");
        assertThat(edited.path("request").path("method").asText()).isEqualTo("PUT");
        assertThat(edited.path("request").path("url").asText()).endsWith("/participants/300101");
        assertThat(app.sandbox.requestCount("oneflow")).isEqualTo(before);
        assertThat(ok("/api/v1/dead-letters/" + id).path("replayed_by").isNull()).isTrue();
    }

    @Test
    @Order(Order.DEFAULT + 1)
    void givenAFixedLetterReplayedFromTwoTabsAtOnce_thenItIsSentOnceAndLeavesThePendingList() throws Exception {
        long id = letterId("'second' is not an integer");
        JsonNode letter = ok("/api/v1/dead-letters/" + id);
        String body = "{\"ids\": [" + id + "], \"edits\": {\"" + id + "\": {\"signing_order\": \"2\"}}}";

        ExecutorService tabs = Executors.newFixedThreadPool(2);
        CountDownLatch go = new CountDownLatch(1);
        Callable<HttpResponse<String>> tab = () -> {
            go.await();
            return send("POST", "/api/v1/dead-letters/replay", body);
        };
        Future<HttpResponse<String>> a = tabs.submit(tab);
        Future<HttpResponse<String>> b = tabs.submit(tab);
        go.countDown();
        List<Integer> statuses = List.of(a.get().statusCode(), b.get().statusCode());
        tabs.shutdown();
        HttpResponse<String> winner = a.get().statusCode() == 202 ? a.get() : b.get();
        String replayBatch = JSON.readTree(winner.body()).path("batch_id").asText();
        await().atMost(Duration.ofSeconds(30)).until(() -> "completed".equals(
                JSON.readTree(get("/api/v1/batches/" + replayBatch + "/summary", KEY).body()).path("status").asText()));

        assertThat(statuses).containsExactlyInAnyOrder(202, 409);
        JsonNode records = ok("/api/v1/batches/" + replayBatch + "/records").path("items");
        assertThat(records).hasSize(1);
        assertThat(records.get(0).path("outcome").asText()).isIn("updated", "unchanged", "rejected");
        assertThat(ids(ok("/api/v1/dead-letters?limit=200").path("items"), "id")).doesNotContain(Long.toString(id));
        JsonNode replayed = find(ok("/api/v1/dead-letters?state=replayed&limit=200").path("items"), "id",
                Long.toString(id));
        assertThat(replayed.path("replayed_by").asText()).isEqualTo(replayBatch);
        assertThat(send("POST", "/api/v1/dead-letters/replay", body).statusCode()).isEqualTo(409);
    }

    @Test
    @Order(Order.DEFAULT + 2)
    void givenAMissingParticipantIdFixed_whenReplayed_thenTheSandboxGetsTheEditAndTheRecordIsUpdated()
            throws Exception {
        long id = letterId("participant_id: is required");
        HttpResponse<String> r = send("POST", "/api/v1/dead-letters/replay", "{\"ids\": [" + id + "], \"edits\": {\""
                + id + "\": {\"participant_id\": \"300101\"}}}");
        String replayBatch = JSON.readTree(r.body()).path("batch_id").asText();
        assertThat(get("/api/v1/batches/" + replayBatch + "/summary", KEY).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> "completed".equals(
                JSON.readTree(get("/api/v1/batches/" + replayBatch + "/summary", KEY).body()).path("status").asText()));

        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(JSON.readTree(r.body()).path("replayed")).hasSize(1);
        JsonNode record = ok("/api/v1/batches/" + replayBatch + "/records").path("items").get(0);
        assertThat(record.path("outcome").asText()).isEqualTo("updated");
        assertThat(record.path("participant").asText()).contains("participant_id=300101");
        assertThat(app.sandbox.participant("oneflow", "100101", "200101", "300101").orElseThrow()
                .path("name").asText()).isEqualTo("Åsa Öberg");
        assertThat(ok("/api/v1/dead-letters/" + id).path("replayed_by").asText()).isEqualTo(replayBatch);
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    private static long letterId(String messagePart) throws Exception {
        JsonNode items = ok("/api/v1/dead-letters?state=all&limit=200&q=" + enc(messagePart)).path("items");
        for (JsonNode d : items) {
            if (d.path("batch_id").asText().equals(badBatch)) {
                return d.path("id").asLong();
            }
        }
        throw new AssertionError("no dead letter of " + badBatch + " says " + messagePart + ": " + items);
    }

    private static String postCsv(String sample) throws Exception {
        HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create(base
                + "/api/v1/participant-updates?wait=30")).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + KEY).header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofFile(Path.of("samples/csv", sample))).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).path("batch_id").asText();
    }

    private static JsonNode ok(String path) throws Exception {
        HttpResponse<String> r = get(path, KEY);
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static List<String> ids(JsonNode items, String field) {
        List<String> out = new ArrayList<>();
        items.forEach(i -> out.add(i.path(field).asText()));
        return out;
    }

    private static JsonNode find(JsonNode items, String field, String value) {
        for (JsonNode i : items) {
            if (i.path(field).asText().equals(value)) {
                return i;
            }
        }
        throw new AssertionError("no item with " + field + " = " + value + " in " + items);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static HttpResponse<String> get(String path, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).GET();
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> send(String method, String path, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json));
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}
