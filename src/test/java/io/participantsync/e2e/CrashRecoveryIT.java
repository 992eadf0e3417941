package io.participantsync.e2e;

import static io.participantsync.e2e.QueueTestSupport.await;
import static io.participantsync.e2e.QueueTestSupport.files;
import static io.participantsync.e2e.QueueTestSupport.readJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.participantsync.sandbox.AppliedEdit;
import io.participantsync.sandbox.SandboxServer;
import io.participantsync.support.TestApp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Crash safety end to end: the service runs as a child JVM, is killed with SIGKILL in the middle of a CSV file (and of
 * an HTTP batch), and a service restarted on the same data folder finishes the batch. The sandbox lives in the test
 * JVM, so its log of applied edits survives the kill and tells what really reached the providers.
 */
class CrashRecoveryIT {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final int ROWS = 300;
    private static final int CONCURRENCY = 4;
    /** Connections the rows use (Oneflow, Zigned); each has its own cap of CONCURRENCY calls in flight. */
    private static final int CONNECTIONS = 2;
    /** Calls in flight at most: each connection's concurrency. */
    private static final int IN_FLIGHT = CONNECTIONS * CONCURRENCY;
    /**
     * Checkpoints that may be uncommitted at once ({@code checkpoint.max-pending}; the writer commits them together
     * at most {@code checkpoint.flush-ms} after their outcome).
     */
    private static final int MAX_PENDING = 16;
    /** Both ways of committing checkpoints: each record waiting for its own commit, or the writer's group commits. */
    private static final String EACH_COMMITTED = "0";
    private static final String GROUP_COMMITTED = "20";
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * Records that may have been applied without a committed outcome at the kill: one per call in flight (its call
     * under way, or answered and its outcome still being recorded), plus, when checkpoints are committed together,
     * the outcomes recorded but not yet committed ({@link #MAX_PENDING}). Each of them has its write-ahead mark.
     */
    private int maxInFlight;

    private SandboxServer sandbox;
    private Path dir;
    private Process child;

    @BeforeEach
    void start() throws Exception {
        dir = Files.createTempDirectory("ps-crash");
        sandbox = SandboxServer.start(0);
        // generated participants; every call takes a while, so the kill lands mid-batch
        sandbox.knobs().autoCreate(true).latencyMs(40);
    }

    @AfterEach
    void stop() throws Exception {
        if (child != null && child.isAlive()) {
            child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        // a restarted TestApp closed it already; closing twice is harmless
        sandbox.close();
    }

    @ParameterizedTest(name = "checkpoint.flush-ms = {0}")
    @ValueSource(strings = {EACH_COMMITTED, GROUP_COMMITTED})
    void givenServiceKilledMidFile_whenRestartedOnSameData_thenEveryRowHasOneOutcomeAndNoneIsLostOrSentTwice(
            String flushMs) throws Exception {
        Map<String, String> settings = settings(flushMs);
        Map<String, String> props = TestApp.properties(sandbox, dir, settings);
        child = ChildProcess.startService(dir, "child", props);
        int port = Integer.parseInt(props.get("camel.server.port"));
        await("the child service", WAIT, () -> ChildProcess.listening(port) || !child.isAlive());
        assertThat(child.isAlive()).as("child runs (see %s)", dir.resolve("child.out")).isTrue();

        Path inbox = Files.createDirectories(dir.resolve("inbox"));
        Path part = inbox.resolve("crash.csv.part");
        Files.writeString(part, csv(), StandardCharsets.UTF_8);
        Files.move(part, inbox.resolve("crash.csv"));
        await("a third of the file applied", WAIT, () -> sandbox.appliedEdits().size() >= ROWS / 3);
        int appliedAtKill = kill();

        assertThat(appliedAtKill).as("killed mid-file").isLessThan(ROWS);
        assertThat(inbox.resolve("crash.csv")).as("not archived before every row had an outcome").exists();
        assertThat(files(inbox.resolve(".archive"), ".report.json")).isEmpty();

        try (TestApp restarted = TestApp.start(sandbox, dir, true, settings)) {
            await("the file's report", WAIT, () -> files(inbox.resolve(".archive"), ".report.json").size() == 1);
            JsonNode report = readJson(files(inbox.resolve(".archive"), ".report.json").get(0));
            assertRecovered(report, appliedAtKill);
            // the report is written inside the route, the file moved once the route is done
            await("the file archived", WAIT, () -> !Files.exists(inbox.resolve("crash.csv")));
            assertThat(restarted.app.checkpoints().count("csv:" + sha256(csv()))).as("settled").isZero();
        }
    }

    @Test
    void givenServiceKilledMidHttpBatch_whenRestartedOnSameData_thenTheAcceptedBatchFinishesWithOneOutcomeEach()
            throws Exception {
        Map<String, String> settings = settings(GROUP_COMMITTED);
        Map<String, String> props = TestApp.properties(sandbox, dir, settings);
        child = ChildProcess.startService(dir, "child", props);
        int port = Integer.parseInt(props.get("camel.server.port"));
        await("the child service's HTTP API", WAIT, () -> ChildProcess.serving(port) || !child.isAlive());
        assertThat(child.isAlive()).as("child runs (see %s)", dir.resolve("child.out")).isTrue();

        HttpResponse<String> accepted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/api/v1/participant-updates"))
                .header("Content-Type", "text/csv").POST(HttpRequest.BodyPublishers.ofString(csv())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String batchId = JSON.readTree(accepted.body()).path("batch_id").asText();
        await("a third of the batch applied", WAIT, () -> sandbox.appliedEdits().size() >= ROWS / 3);
        int appliedAtKill = kill();

        assertThat(appliedAtKill).as("killed mid-batch").isLessThan(ROWS);
        assertThat(dir.resolve("data/http-batches/" + batchId + ".body")).as("the accepted body was kept").exists();

        try (TestApp restarted = TestApp.start(sandbox, dir, true, settings)) {
            Path reportFile = dir.resolve("data/batches/" + batchId + ".report.json");
            await("the resumed batch's report", WAIT, () -> Files.exists(reportFile));
            assertRecovered(readJson(reportFile), appliedAtKill);
            HttpResponse<String> status = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(restarted.apiUrl() + "/api/v1/batches/" + batchId)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(JSON.readTree(status.body()).path("status").asText()).isEqualTo("completed");
            await("the body released", WAIT, () -> !Files.exists(dir.resolve("data/http-batches/" + batchId
                    + ".json")));
            assertThat(dir.resolve("data/http-batches/" + batchId + ".body")).doesNotExist();
            assertThat(restarted.app.checkpoints().count("http:" + batchId)).isZero();
        }
    }

    /**
     * The report has one outcome per row and nothing lost; the rows re-emitted from their checkpoints are the edits
     * applied before the kill, less at most {@link #maxInFlight} whose outcome was not committed yet; and the sandbox
     * applied each participant's edit exactly once: a row whose call was under way at the kill has its mark, so it is
     * read back after the restart instead of being sent again.
     */
    private void assertRecovered(JsonNode report, int appliedAtKill) {
        JsonNode counts = report.path("counts");
        assertThat(counts.path("received").asInt()).isEqualTo(ROWS);
        assertThat(counts.path("updated").asInt() + counts.path("unchanged").asInt() + counts.path("rejected").asInt()
                + counts.path("failed").asInt()).isEqualTo(ROWS);
        assertThat(counts.path("updated").asInt()).isEqualTo(ROWS);

        Map<Integer, JsonNode> rows = new HashMap<>();
        report.path("rows").forEach(r -> assertThat(rows.put(r.path("row").asInt(), r)).as("row once").isNull());
        assertThat(rows.keySet()).hasSize(ROWS).allMatch(r -> r >= 1 && r <= ROWS);
        Set<String> resumedParticipants = new HashSet<>();
        Set<String> sentParticipants = new HashSet<>();
        rows.forEach((row, r) -> (r.path("from_checkpoint").asBoolean() ? resumedParticipants : sentParticipants)
                .add(participant(row)));
        assertThat(resumedParticipants.size() + sentParticipants.size()).isEqualTo(ROWS);
        assertThat(resumedParticipants.size()).as("rows re-emitted from their checkpoints")
                .isBetween(appliedAtKill - maxInFlight, appliedAtKill);

        List<AppliedEdit> edits = sandbox.appliedEdits();
        Map<String, Long> perParticipant = edits.stream().collect(Collectors.groupingBy(
                e -> e.provider() + "|" + e.locator(), Collectors.counting()));
        assertThat(perParticipant.keySet()).as("every participant reached the provider").hasSize(ROWS);
        Set<String> twice = perParticipant.entrySet().stream().filter(e -> e.getValue() > 1)
                .map(Map.Entry::getKey).collect(Collectors.toSet());
        assertThat(twice).as("edits applied twice").isEmpty();
        assertThat(edits).hasSize(ROWS);
    }

    /** Kills the child (SIGKILL) and returns how many edits the sandbox had applied by then. */
    private int kill() throws InterruptedException {
        child.destroyForcibly();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return sandbox.appliedEdits().size();
    }

    private Map<String, String> settings(String flushMs) {
        maxInFlight = IN_FLIGHT + (flushMs.equals(EACH_COMMITTED) ? 0 : MAX_PENDING);
        return Map.of("delivery.concurrency", String.valueOf(CONCURRENCY), "jms.enabled", "false",
                "checkpoint.flush-ms", flushMs, "checkpoint.max-pending", String.valueOf(MAX_PENDING));
    }

    /** Rows alternate Oneflow and Zigned (idempotent PUTs), each a participant of its own, created on first touch. */
    static String csv() {
        StringBuilder sb = new StringBuilder("provider,contract_id,party_id,participant_id,agreement_id,name\n");
        for (int i = 1; i <= ROWS; i++) {
            if (i % 2 == 1) {
                sb.append("oneflow,").append(700000 + i).append(',').append(710000 + i).append(',')
                        .append(720000 + i).append(",,Crash Person ").append(i).append('\n');
            } else {
                sb.append("zigned,,,").append(zignedParticipant(i)).append(',').append(zignedAgreement(i))
                        .append(",Crash Person ").append(i).append('\n');
            }
        }
        return sb.toString();
    }

    /** The participant a row updates, as the sandbox names it in an applied edit: provider and locator. */
    private static String participant(int row) {
        return row % 2 == 1 ? "oneflow|" + (700000 + row) + "/" + (710000 + row) + "/" + (720000 + row)
                : "zigned|" + zignedAgreement(row) + "/" + zignedParticipant(row);
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static String zignedAgreement(int i) {
        return String.format("crashagreement%04d", i);
    }

    private static String zignedParticipant(int i) {
        return String.format("crashparticipant%04d", i);
    }
}
