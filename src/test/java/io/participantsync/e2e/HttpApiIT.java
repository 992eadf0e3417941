package io.participantsync.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.participantsync.intake.HttpIntake;
import io.participantsync.support.TestApp;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP API end to end: the YAML edge loaded from routes/, real HTTP on a free loopback port, the sandbox as the
 * providers: every status, idempotency keys, the OpenAPI document, JSON and CSV bodies through to the sandbox.
 */
class HttpApiIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "test-key-7f3a9c";
    private static final String OTHER_KEY = "second-key-0b12";
    private static final long MAX_BODY = 64 * 1024;
    private static final long MAX_RECORDS = 100;
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static TestApp app;
    private static String base;

    @BeforeAll
    static void start() throws IOException {
        Path dir = Files.createTempDirectory("ps-http");
        app = TestApp.start(dir, true, Map.of("http.api-keys", KEY + ", " + OTHER_KEY,
                "http.max-body-bytes", Long.toString(MAX_BODY), "http.max-records", Long.toString(MAX_RECORDS)));
        base = "http://127.0.0.1:" + app.app.settings().get("camel.server.port");
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @BeforeEach
    void reset() {
        app.sandbox.reset();
    }

    // ---- JSON and CSV end to end ---------------------------------------------------------------------------

    @Test
    void givenJsonArray_whenPosted_then202AndRecordsReachSandboxAndReportHasCounts() throws Exception {
        String body = """
                [ {"provider": "oneflow", "contract_id": "100101", "party_id": "200101", "participant_id": "300101",
                   "email": "asa.oberg-lind@example.com"},
                  {"provider": "zigned", "agreement_id": "cm4draftnordic0001example",
                   "participant_id": "cm4p0001asaoberg00example", "role": "approver"},
                  {"provider": "zigned", "agreement_id": "cm4draftnordic0001example",
                   "participant_id": "cm4p0001asaoberg00example", "email": "not-an-email"} ]""";

        HttpResponse<String> r = post("/api/v1/participant-updates", "application/json", body, KEY, null);

        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v)
                .startsWith("application/json"));
        JsonNode accepted = JSON.readTree(r.body());
        String id = accepted.path("batch_id").asText();
        assertThat(accepted).isEqualTo(JSON.readTree("{\"batch_id\": \"" + id + "\", \"received\": 3, "
                + "\"status_url\": \"/api/v1/batches/" + id + "\"}"));
        assertThat(r.headers().firstValue("Location")).hasValue("/api/v1/batches/" + id);

        JsonNode report = awaitCompleted(id);
        assertThat(report.path("counts")).isEqualTo(JSON.readTree(
                "{\"received\": 3, \"updated\": 2, \"unchanged\": 0, \"rejected\": 1, \"failed\": 0}"));
        assertThat(report.path("source").path("kind").asText()).isEqualTo("http");
        assertThat(report.path("rows")).hasSize(3);
        List<String> rejected = new ArrayList<>();
        report.path("rows").forEach(row -> {
            if (row.path("outcome").asText().equals("rejected")) {
                rejected.add(row.path("message").asText());
            }
        });
        assertThat(rejected).singleElement().asString().contains("email").contains("is not a valid email address");
        assertThat(app.sandbox.appliedEdits()).extracting(e -> e.provider())
                .containsExactlyInAnyOrder("oneflow", "zigned");
    }

    @Test
    void givenSingleJsonObject_whenPostedWithWait_then200WithTheFinishedReport() throws Exception {
        String body = "{\"provider\": \"oneflow\", \"contract_id\": \"100101\", \"party_id\": \"200101\", "
                + "\"participant_id\": \"300101\", \"name\": \"Åsa Öberg-Lind\"}";

        HttpResponse<String> r = post("/api/v1/participant-updates?wait=30", "application/json; charset=utf-8",
                body, KEY, null);

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode report = JSON.readTree(r.body());
        assertThat(report.path("status").asText()).isEqualTo("completed");
        assertThat(report.path("counts").path("received").asInt()).isEqualTo(1);
        assertThat(report.path("counts").path("updated").asInt()).isEqualTo(1);
        assertThat(report.path("finished_at").isTextual()).isTrue();
        assertThat(app.sandbox.appliedEdits()).hasSize(1);
    }

    @Test
    void givenCsvBody_whenPostedWithWait_then200AndEveryRowReachesSandbox() throws Exception {
        String csv = Files.readString(Path.of("samples/csv/mixed.csv"), StandardCharsets.UTF_8);

        HttpResponse<String> r = post("/api/v1/participant-updates?wait=30", "text/csv", csv, OTHER_KEY, null);

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode report = JSON.readTree(r.body());
        assertThat(report.path("counts")).isEqualTo(JSON.readTree(
                "{\"received\": 8, \"updated\": 7, \"unchanged\": 1, \"rejected\": 0, \"failed\": 0}"));
        assertThat(report.path("by_provider").fieldNames()).toIterable()
                .containsExactlyInAnyOrder("oneflow", "zigned", "signinghub", "eviasign", "zoho");
        assertThat(app.sandbox.appliedEdits()).hasSize(7);

        HttpResponse<String> again = get("/api/v1/batches/" + report.path("batch_id").asText(), KEY);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(again.body())).isEqualTo(report);
    }

    @Test
    void givenCsvBody_whenPostedWithoutWait_then202CountsTheRows() throws Exception {
        String csv = "provider,agreement_id,participant_id,role\n"
                + "zigned,cm4draftnordic0001example,cm4p0001asaoberg00example,approver\n"
                + "zigned,cm4draftnordic0001example,cm4p0001asaoberg00example,nobody\n";

        HttpResponse<String> r = post("/api/v1/participant-updates", "text/csv", csv, KEY, null);

        assertThat(r.statusCode()).isEqualTo(202);
        JsonNode accepted = JSON.readTree(r.body());
        assertThat(accepted.path("received").asInt()).isEqualTo(2);
        JsonNode report = awaitCompleted(accepted.path("batch_id").asText());
        assertThat(report.path("counts").path("updated").asInt()).isEqualTo(1);
        assertThat(report.path("counts").path("rejected").asInt()).isEqualTo(1);
    }

    @Test
    void givenSlowProvider_whenWaitRunsOut_then202AndGetShowsProgressUntilCompleted() throws Exception {
        // every provider call takes 3 s: the batch cannot finish within the 1 s wait
        app.sandbox.knobs().latencyMs(3000);
        String body = "[{\"provider\": \"zoho\", \"organization\": \"NordicExampleAB\", "
                + "\"current_email\": \"asa.oberg@example.com\", \"name\": \"Åsa\"}, "
                + "{\"provider\": \"nobody\"}]";

        long sent = System.nanoTime();
        HttpResponse<String> r = post("/api/v1/participant-updates?wait=1", "application/json", body, KEY, null);
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);

        assertThat(r.statusCode()).isEqualTo(202);
        // the wait ends at its maximum, not later
        assertThat(tookMs).isBetween(900L, 1800L);
        String id = JSON.readTree(r.body()).path("batch_id").asText();
        HttpResponse<String> progress = get("/api/v1/batches/" + id, KEY);
        JsonNode running = JSON.readTree(progress.body());
        assertThat(running.path("status").asText()).isIn("queued", "running");
        assertThat(running.path("counts").path("received").asInt()).isEqualTo(2);
        assertThat(running.path("counts").path("updated").asInt()).isZero();
        JsonNode done = awaitCompleted(id);
        assertThat(done.path("counts").path("updated").asInt()).isEqualTo(1);
        assertThat(done.path("counts").path("rejected").asInt()).isEqualTo(1);
    }

    @Test
    void givenTwoHundredConcurrentWaits_whenTheOpenApiDocumentIsRequested_thenItAnswersWithinOneSecondAndEveryWaitEndsInTime()
            throws Exception {
        // one batch that cannot finish within the waits: every provider call takes 15 s
        app.sandbox.knobs().latencyMs(15_000);
        String body = "{\"provider\": \"zoho\", \"organization\": \"NordicExampleAB\", "
                + "\"current_email\": \"asa.oberg@example.com\", \"name\": \"Slow\"}";
        String key = "waits-" + System.nanoTime();
        HttpResponse<String> first = post("/api/v1/participant-updates", "application/json", body, KEY, key);
        assertThat(first.statusCode()).isEqualTo(202);
        String id = JSON.readTree(first.body()).path("batch_id").asText();
        int waitSeconds = 6;
        // 200 clients, each on a connection of its own, waiting on that batch (idempotent replays)
        var clientThreads = java.util.concurrent.Executors.newFixedThreadPool(8);
        HttpClient many = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).executor(clientThreads).build();
        List<java.util.concurrent.CompletableFuture<long[]>> waits = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            HttpRequest wait = HttpRequest.newBuilder(URI.create(base + "/api/v1/participant-updates?wait="
                    + waitSeconds)).timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + KEY).header("Idempotency-Key", key)
                    .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
            long sent = System.nanoTime();
            waits.add(many.sendAsync(wait, HttpResponse.BodyHandlers.ofString())
                    .thenApply(r -> new long[] {r.statusCode(), System.nanoTime() - sent}));
        }

        // once all 200 wait (none holding a thread), the API answers other requests at once
        HttpIntake intake = app.app.camel().getRegistry().lookupByNameAndType("httpIntake", HttpIntake.class);
        await("200 requests waiting").atMost(Duration.ofSeconds(waitSeconds)).until(() -> intake.waiting() == 200);
        List<Long> openApiMillis = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            long t0 = System.nanoTime();
            HttpResponse<String> doc = CLIENT.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/openapi.json"))
                    .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(doc.statusCode()).isEqualTo(200);
            openApiMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        }
        boolean allStillWaiting = waits.stream().noneMatch(java.util.concurrent.CompletableFuture::isDone);

        java.util.concurrent.CompletableFuture.allOf(waits.toArray(java.util.concurrent.CompletableFuture[]::new))
                .get(60, TimeUnit.SECONDS);
        assertThat(allStillWaiting).as("the document was requested while every wait was under way").isTrue();
        assertThat(openApiMillis).isNotEmpty().allSatisfy(ms -> assertThat(ms).isLessThan(1000));
        for (var w : waits) {
            long[] result = w.get();
            assertThat(result[0]).isEqualTo(202);
            // the server answers at the deadline, counted from the request's arrival; measured here it also includes
            // connecting and sending 200 requests and reading 200 answers on a busy machine (the old code, waiting
            // for a worker first, took twice the wait); the single-wait test bounds it tightly
            assertThat(TimeUnit.NANOSECONDS.toMillis(result[1])).isBetween(waitSeconds * 1000L - 100,
                    waitSeconds * 1000L + 3000);
        }
        clientThreads.shutdown();
        app.sandbox.knobs().latencyMs(0);
        awaitCompleted(id);
    }

    // ---- idempotency ---------------------------------------------------------------------------------------

    @Test
    void givenIdempotencyKey_whenSameBodyPostedTwice_thenSameBatchAndNothingSentAgain() throws Exception {
        String body = "[{\"provider\": \"zoho\", \"organization\": \"NordicExampleAB\", "
                + "\"current_email\": \"asa.oberg@example.com\", \"name\": \"Åsa Öberg-Lind\"}]";
        String key = "order-42-" + System.nanoTime();

        HttpResponse<String> first = post("/api/v1/participant-updates?wait=30", "application/json", body, KEY,
                key);
        assertThat(first.statusCode()).isEqualTo(200);
        String id = JSON.readTree(first.body()).path("batch_id").asText();
        assertThat(app.sandbox.appliedEdits()).hasSize(1);

        HttpResponse<String> replay = post("/api/v1/participant-updates", "application/json", body, KEY, key);
        HttpResponse<String> replayWaiting = post("/api/v1/participant-updates?wait=5", "application/json", body,
                KEY, key);

        assertThat(replay.statusCode()).isEqualTo(202);
        assertThat(JSON.readTree(replay.body())).isEqualTo(JSON.readTree("{\"batch_id\": \"" + id
                + "\", \"received\": 1, \"status_url\": \"/api/v1/batches/" + id + "\"}"));
        assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(replayWaiting.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(replayWaiting.body())).isEqualTo(JSON.readTree(first.body()));
        assertThat(app.sandbox.appliedEdits()).hasSize(1);
    }

    @Test
    void givenAnotherCallersIdempotencyKey_whenPosted_thenItsOwnNewBatchAndTheFirstCallersReplayStillAnswersTheirs()
            throws Exception {
        String body = "[{\"provider\": \"zoho\", \"organization\": \"NordicExampleAB\", "
                + "\"current_email\": \"asa.oberg@example.com\", \"name\": \"Åsa Öberg-Lind\"}]";
        String key = "shared-" + System.nanoTime();
        HttpResponse<String> a = post("/api/v1/participant-updates?wait=30", "application/json", body, KEY, key);
        assertThat(a.statusCode()).isEqualTo(200);
        String aId = JSON.readTree(a.body()).path("batch_id").asText();

        // caller B, same Idempotency-Key and body: not A's batch, a new one of its own
        HttpResponse<String> b = post("/api/v1/participant-updates?wait=30", "application/json", body, OTHER_KEY,
                key);
        HttpResponse<String> aReplay = post("/api/v1/participant-updates", "application/json", body, KEY, key);
        HttpResponse<String> bReplay = post("/api/v1/participant-updates", "application/json", body, OTHER_KEY, key);

        assertThat(b.statusCode()).isEqualTo(200);
        assertThat(b.headers().firstValue("Idempotent-Replayed")).isEmpty();
        String bId = JSON.readTree(b.body()).path("batch_id").asText();
        assertThat(bId).isNotBlank().isNotEqualTo(aId);
        assertThat(JSON.readTree(b.body()).at("/counts/received").asLong()).isEqualTo(1);
        assertThat(aReplay.statusCode()).isEqualTo(202);
        assertThat(aReplay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(JSON.readTree(aReplay.body()).path("batch_id").asText()).isEqualTo(aId);
        assertThat(bReplay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(JSON.readTree(bReplay.body()).path("batch_id").asText()).isEqualTo(bId);
    }

    @Test
    void givenIdempotencyKey_whenReusedWithDifferentBody_then409NamingTheBatch() throws Exception {
        String key = "order-43-" + System.nanoTime();
        String body = "{\"provider\": \"zoho\", \"organization\": \"NordicExampleAB\", "
                + "\"current_email\": \"asa.oberg@example.com\", \"name\": \"A\"}";
        HttpResponse<String> first = post("/api/v1/participant-updates", "application/json", body, KEY, key);
        String id = JSON.readTree(first.body()).path("batch_id").asText();
        awaitCompleted(id);
        int edits = app.sandbox.appliedEdits().size();

        HttpResponse<String> r = post("/api/v1/participant-updates", "application/json", body.replace("\"A\"",
                "\"B\""), KEY, key);

        JsonNode problem = assertProblem(r, 409, "idempotency-key-reused");
        assertThat(problem.path("batch_id").asText()).isEqualTo(id);
        assertThat(app.sandbox.appliedEdits()).hasSize(edits);
    }

    // ---- errors --------------------------------------------------------------------------------------------

    @Test
    void givenMalformedJson_whenPosted_then400WithLineAndColumn() throws Exception {
        HttpResponse<String> r = post("/api/v1/participant-updates", "application/json",
                "[\n  {\"provider\": \"oneflow\",, }\n]", KEY, null);

        JsonNode problem = assertProblem(r, 400, "malformed-json");
        assertThat(problem.path("line").asInt()).isEqualTo(2);
        assertThat(problem.path("column").asInt()).isPositive();
        assertThat(problem.path("detail").asText()).startsWith("malformed JSON at line 2, column");
        assertThat(app.sandbox.appliedEdits()).isEmpty();
    }

    @Test
    void givenMalformedCsv_whenPosted_then400WithRow() throws Exception {
        String csv = "provider,agreement_id,participant_id,role\n"
                + "zigned,cm4draftnordic0001example,cm4p0001asaoberg00example,approver\n"
                + "zigned,\"cm4draftnordic0001example,cm4p0001asaoberg00example,approver\n";

        HttpResponse<String> r = post("/api/v1/participant-updates", "text/csv", csv, KEY, null);

        JsonNode problem = assertProblem(r, 400, "malformed-csv");
        assertThat(problem.path("row").asInt()).isEqualTo(2);
        assertThat(problem.path("detail").asText()).startsWith("malformed CSV at data row 2:");
        assertThat(app.sandbox.appliedEdits()).isEmpty();
    }

    @Test
    void givenInvalidWait_whenPosted_then400() throws Exception {
        HttpResponse<String> r = post("/api/v1/participant-updates?wait=soon", "application/json",
                "{\"provider\": \"oneflow\"}", KEY, null);

        JsonNode problem = assertProblem(r, 400, "invalid-wait");
        assertThat(problem.path("detail").asText()).contains("'soon'").contains("0 to 30");
    }

    @Test
    void givenNoAuthorization_whenPosted_then401WithBearerChallenge() throws Exception {
        HttpResponse<String> r = post("/api/v1/participant-updates", "application/json", "{}", null, null);

        JsonNode problem = assertProblem(r, 401, "unauthorized");
        assertThat(problem.path("detail").asText()).contains("missing API key");
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v)
                .startsWith("Bearer"));
    }

    @Test
    void givenWrongKey_whenBatchRequested_then401AndTheKeyIsNotEchoed() throws Exception {
        HttpResponse<String> r = get("/api/v1/batches/anything", "wrong-" + KEY);

        JsonNode problem = assertProblem(r, 401, "unauthorized");
        assertThat(problem.path("detail").asText()).isEqualTo("the API key is not valid");
        assertThat(r.body()).doesNotContain(KEY);
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v)
                .startsWith("Bearer").contains("invalid_token"));
    }

    @Test
    void givenUnknownBatch_whenRequested_then404Problem() throws Exception {
        HttpResponse<String> r = get("/api/v1/batches/no-such-batch", KEY);

        JsonNode problem = assertProblem(r, 404, "unknown-batch");
        assertThat(problem.path("detail").asText()).contains("no-such-batch");
        assertThat(problem.path("instance").asText()).isEqualTo("/api/v1/batches/no-such-batch");
    }

    @Test
    void givenBodyOverTheLimit_whenPosted_then413Problem() throws Exception {
        StringBuilder csv = new StringBuilder("provider,organization,current_email,name\n");
        while (csv.length() <= MAX_BODY) {
            csv.append("zoho,NordicExampleAB,asa.oberg@example.com,Åsa Öberg-Lind\n");
        }

        HttpResponse<String> r = post("/api/v1/participant-updates", "text/csv", csv.toString(), KEY, null);

        JsonNode problem = assertProblem(r, 413, "body-too-large");
        assertThat(problem.path("max_body_bytes").asLong()).isEqualTo(MAX_BODY);
        assertThat(app.sandbox.appliedEdits()).isEmpty();
    }

    @Test
    void givenMoreRecordsThanTheLimit_whenPosted_then413NamingItAndNothingIsAcceptedOrDeadLettered() throws Exception {
        StringBuilder json = new StringBuilder("[{}");
        for (int i = 1; i <= MAX_RECORDS; i++) {
            json.append(",{}");
        }
        json.append(']');
        StringBuilder csv = new StringBuilder("provider,organization,current_email,name\n");
        for (int i = 0; i <= MAX_RECORDS; i++) {
            csv.append("zoho,NordicExampleAB,asa.oberg@example.com,A\n");
        }
        long deadLetters = deadLetterFiles();

        HttpResponse<String> r = post("/api/v1/participant-updates", "application/json", json.toString(), KEY, null);
        HttpResponse<String> c = post("/api/v1/participant-updates", "text/csv", csv.toString(), KEY, null);

        JsonNode problem = assertProblem(r, 413, "too-many-records");
        assertThat(problem.path("max_records").asLong()).isEqualTo(MAX_RECORDS);
        assertThat(problem.path("detail").asText()).contains("http.max-records").contains("100");
        assertProblem(c, 413, "too-many-records");
        assertThat(deadLetterFiles()).isEqualTo(deadLetters);
        assertThat(app.sandbox.appliedEdits()).isEmpty();
    }

    private static long deadLetterFiles() throws IOException {
        Path dir = app.dir.resolve("dead-letter");
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        // a dead-letter file holds a line per dead letter: a batch of the shared app may add lines to its own file
        long n = 0;
        try (var files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                n += f.getFileName().toString().endsWith(".deadletters.jsonl") ? Files.readAllLines(f).size() : 1;
            }
        }
        return n;
    }

    @Test
    void givenChunkedBodyOverTheLimit_whenPosted_then413Problem() throws Exception {
        byte[] big = new byte[(int) MAX_BODY * 2];
        Arrays.fill(big, (byte) 'a');
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/v1/participant-updates"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "text/csv")
                .header("Authorization", "Bearer " + KEY)
                // no Content-Length: the server counts the bytes while it reads them
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)))
                .build();

        HttpResponse<String> r = CLIENT.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));

        assertProblem(r, 413, "body-too-large");
    }

    @Test
    void givenWrongContentType_whenPosted_then415Problem() throws Exception {
        HttpResponse<String> r = post("/api/v1/participant-updates", "text/plain", "provider=oneflow", KEY, null);

        JsonNode problem = assertProblem(r, 415, "unsupported-media-type");
        assertThat(problem.path("detail").asText()).contains("'text/plain'");
    }

    @Test
    void givenNonUtf8Charset_whenPosted_then415Problem() throws Exception {
        HttpResponse<String> r = post("/api/v1/participant-updates", "text/csv; charset=ISO-8859-1", "a,b\n", KEY,
                null);

        JsonNode problem = assertProblem(r, 415, "unsupported-media-type");
        assertThat(problem.path("detail").asText()).contains("ISO-8859-1");
    }

    // ---- OpenAPI -------------------------------------------------------------------------------------------

    @Test
    void givenOpenApiPath_whenRequested_thenDocumentParsesAndListsEveryPath() throws Exception {
        HttpResponse<String> r = get("/api/v1/openapi.json", null);

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode doc = JSON.readTree(r.body());
        assertThat(doc.path("openapi").asText()).startsWith("3.");
        // every path the routes serve, exactly: OpenApiPathsTest
        assertThat(doc.path("paths").fieldNames()).toIterable().contains(
                "/api/v1/participant-updates", "/api/v1/batches/{id}", "/api/v1/sync-jobs/{name}/runs",
                "/api/v1/openapi.json", "/api/v1/batches", "/api/v1/dead-letters/replay", "/api/v1/connections");
        assertThat(doc.at("/servers/0/url").asText()).as("no fixed port").isEqualTo("/");
        // the registered providers, from the registry
        assertThat(doc.at("/components/schemas/ParticipantUpdate/properties/provider/enum")).isEqualTo(JSON.readTree(
                "[\"oneflow\", \"zigned\", \"signinghub\", \"eviasign\", \"zoho\"]"));
        assertThat(doc.at("/components/schemas/Problem/required")).isEqualTo(JSON.readTree(
                "[\"type\", \"title\", \"status\", \"detail\"]"));
        assertThat(doc.at("/components/securitySchemes/bearerAuth")).isEqualTo(JSON.readTree(
                "{\"type\": \"http\", \"scheme\": \"bearer\", \"description\": "
                        + JSON.writeValueAsString(doc.at("/components/securitySchemes/bearerAuth/description")
                        .asText()) + "}"));
        assertThat(doc.at("/paths/~1api~1v1~1participant-updates/post/responses").fieldNames()).toIterable()
                .contains("200", "202", "400", "401", "409", "413", "415");
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    static JsonNode assertProblem(HttpResponse<String> r, int status, String type) throws IOException {
        assertThat(r.statusCode()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = JSON.readTree(r.body());
        assertThat(problem.path("type").asText()).isEqualTo("urn:participant-sync:problem:" + type);
        assertThat(problem.path("status").asInt()).isEqualTo(status);
        assertThat(problem.path("title").asText()).isNotBlank();
        assertThat(problem.path("detail").asText()).isNotBlank();
        assertThat(problem.path("instance").asText()).startsWith("/api/v1/");
        return problem;
    }

    /**
     * Polls the batch (Awaitility, every 50 ms, up to 30 s) until it is completed; every answer before must be a 200
     * saying queued or running (anything else fails at once).
     */
    private static JsonNode awaitCompleted(String batchId) {
        AtomicReference<JsonNode> last = new AtomicReference<>();
        await("batch " + batchId + " completed").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    HttpResponse<String> r = get("/api/v1/batches/" + batchId, KEY);
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                    last.set(JSON.readTree(r.body()));
                    if (last.get().path("status").asText().equals("completed")) {
                        return true;
                    }
                    assertThat(last.get().path("status").asText()).isIn("queued", "running");
                    return false;
                });
        return last.get();
    }

    static HttpResponse<String> post(String path, String contentType, String body, String key, String idempotencyKey)
            throws Exception {
        return post(base, path, contentType, body, key, idempotencyKey);
    }

    static HttpResponse<String> post(String base, String path, String contentType, String body, String key,
            String idempotencyKey) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        if (idempotencyKey != null) {
            b.header("Idempotency-Key", idempotencyKey);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> get(String path, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).GET();
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}
