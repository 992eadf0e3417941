package io.participantsync.e2e;

import static io.participantsync.e2e.QueueTestSupport.files;
import static io.participantsync.e2e.QueueTestSupport.readJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.participantsync.support.TestApp;
import io.participantsync.sandbox.AppliedEdit;
import io.participantsync.sandbox.SandboxServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A service killed (SIGKILL) while edits of all five providers are in flight, Evia Sign's and Zoho's among them
 * (not idempotent: their edit moves the participant to a new email, so sending it again is refused): the calls under
 * way reach the sandbox after the kill and are applied. A service restarted on the same data finds those rows marked
 * (their write-ahead mark committed before the call) without an outcome, and reconciles them instead of sending them
 * blindly: 0 false dead letters, 0 edits applied twice, and the counts add up.
 */
class CrashReconciliationIT {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final List<String> PROVIDERS = List.of("oneflow", "zigned", "signinghub", "eviasign", "zoho");
    private static final int PER_PROVIDER = 50;
    private static final int ROWS = PER_PROVIDER * PROVIDERS.size();
    private static final Pattern MARKER = Pattern.compile("crash-row-(\\d+)-end");

    private SandboxServer sandbox;
    private Path dir;
    private Process child;

    @BeforeEach
    void start() throws Exception {
        dir = Files.createTempDirectory("ps-crash-reconcile");
        sandbox = SandboxServer.start(0);
        // generated participants; every call takes a while, so calls of every provider are under way at the kill
        sandbox.knobs().autoCreate(true).latencyMs(150);
    }

    @AfterEach
    void stop() throws Exception {
        if (child != null && child.isAlive()) {
            child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        sandbox.close();
    }

    @Test
    void givenEditsOfEveryProviderInFlight_whenKilledAndRestarted_thenNoFalseDeadLetterAndNoEditAppliedTwice()
            throws Exception {
        Map<String, String> settings = Map.of("delivery.concurrency", "4", "jms.enabled", "false",
                "checkpoint.flush-ms", "20", "checkpoint.max-pending", "16");
        Map<String, String> props = TestApp.properties(sandbox, dir, settings);
        child = ChildProcess.startService(dir, "child", props);
        int port = Integer.parseInt(props.get("camel.server.port"));
        await().atMost(WAIT).until(() -> ChildProcess.listening(port) || !child.isAlive());
        assertThat(child.isAlive()).as("child runs (see %s)", dir.resolve("child.out")).isTrue();

        Path inbox = Files.createDirectories(dir.resolve("inbox"));
        Path part = inbox.resolve("crash.csv.part");
        Files.writeString(part, csv(), StandardCharsets.UTF_8);
        Files.move(part, inbox.resolve("crash.csv"));
        await().atMost(WAIT).until(() -> PROVIDERS.stream().allMatch(p -> applied(p) >= 5)
                && sandbox.appliedEdits().size() >= ROWS / 3);
        child.destroyForcibly();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        // the calls under way at the kill still reach the providers (and are applied) after it
        AtomicInteger last = new AtomicInteger(-1);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500))
                .until(() -> last.getAndSet(sandbox.appliedEdits().size()) == sandbox.appliedEdits().size());
        long inDoubt = ChildProcess.marksWithoutOutcome(dir.resolve("data"));
        assertThat(inDoubt).as("rows whose call was under way at the kill").isPositive();
        assertThat(sandbox.appliedEdits().size()).as("killed mid-file").isLessThan(ROWS);

        try (TestApp restarted = TestApp.start(sandbox, dir, true, settings)) {
            await().atMost(WAIT).until(() -> files(inbox.resolve(".archive"), ".report.json").size() == 1);
            JsonNode report = readJson(files(inbox.resolve(".archive"), ".report.json").get(0));
            JsonNode counts = report.path("counts");
            assertThat(counts.path("received").asInt()).isEqualTo(ROWS);
            assertThat(counts.path("updated").asInt()).as("no false dead letter: %s", counts).isEqualTo(ROWS);
            assertThat(counts.path("rejected").asInt() + counts.path("failed").asInt()).isZero();
            assertThat(files(dir.resolve("dead-letter"), ".json")).isEmpty();
            assertThat(files(dir.resolve("dead-letter"), ".deadletters.jsonl")).isEmpty();

            Map<Integer, JsonNode> rows = new TreeMap<>();
            report.path("rows").forEach(r -> assertThat(rows.put(r.path("row").asInt(), r)).as("row once").isNull());
            assertThat(rows.keySet()).hasSize(ROWS);
            long reconciled = rows.values().stream().filter(r -> r.path("reconciled").asBoolean()).count();
            assertThat(reconciled).as("rows in doubt reconciled, not sent blindly").isPositive()
                    .isLessThanOrEqualTo(inDoubt);
            assertThat(rows.values()).filteredOn(r -> r.path("reconciled").asBoolean()
                    && !r.path("verified").asBoolean()).allSatisfy(r -> assertThat(r.path("provider").asText())
                    .as("only Evia Sign has no read to verify with").isEqualTo("eviasign"));

            Map<Integer, Integer> editsPerRow = new TreeMap<>();
            for (AppliedEdit e : sandbox.appliedEdits()) {
                Matcher m = MARKER.matcher(e.fieldsJson());
                assertThat(m.find()).as("edit %s carries its row", e).isTrue();
                editsPerRow.merge(Integer.parseInt(m.group(1)), 1, Integer::sum);
            }
            assertThat(editsPerRow.keySet()).as("every row's edit reached its provider").hasSize(ROWS);
            Map<Integer, Integer> twice = new HashMap<>();
            editsPerRow.forEach((row, n) -> {
                if (n > 1) {
                    twice.put(row, n);
                }
            });
            assertThat(twice).as("rows whose edit was applied more than once").isEmpty();
            await().atMost(WAIT).until(() -> !Files.exists(inbox.resolve("crash.csv")));
        }
    }

    private int applied(String provider) {
        return (int) sandbox.appliedEdits().stream().filter(e -> e.provider().equals(provider)).count();
    }

    /**
     * 50 rows per provider, interleaved, each a participant of its own the sandbox creates on first touch; each
     * sets a name carrying its row, and Evia's and Zoho's also move the participant to a new email.
     */
    private static String csv() {
        StringBuilder sb = new StringBuilder("provider,contract_id,party_id,participant_id,agreement_id,package_id,"
                + "workflow_order,request_id,organization,current_email,email,name\n");
        int row = 0;
        for (int i = 0; i < PER_PROVIDER; i++) {
            for (String p : PROVIDERS) {
                row++;
                String name = "Crash crash-row-" + row + "-end";
                sb.append(switch (p) {
                    case "oneflow" -> "oneflow," + (730_000 + i) + "," + (740_000 + i) + "," + (750_000 + i)
                            + ",,,,,,,,";
                    case "zigned" -> "zigned,,," + String.format("crparticipant%04d,cragreement%04d", i, i)
                            + ",,,,,,,";
                    case "signinghub" -> "signinghub,,,,," + (9_300_000 + i) + ",1,,,,,";
                    case "eviasign" -> "eviasign,,,,,,," + String.format("c0c0c0c0-0000-4000-8000-%012d", i)
                            + ",,cr" + i + "@example.com,cr" + i + ".moved@example.com,";
                    default -> "zoho,,,,,,,,CrashOrg" + (i % 5) + ",cz" + i + "@example.com,cz" + i
                            + ".moved@example.com,";
                }).append(name).append('\n');
            }
        }
        return sb.toString();
    }
}
