package io.participantsync.e2e;

import static io.participantsync.e2e.QueueTestSupport.SIX_RECORDS;
import static io.participantsync.e2e.QueueTestSupport.array;
import static io.participantsync.e2e.QueueTestSupport.await;
import static io.participantsync.e2e.QueueTestSupport.reports;
import static io.participantsync.e2e.QueueTestSupport.sendJms;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.participantsync.queue.EmbeddedBroker;
import io.participantsync.sandbox.AppliedEdit;
import io.participantsync.sandbox.SandboxServer;
import java.io.IOException;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A service process killed (SIGKILL) in the middle of a JMS message's batch: the message stays in the persistent
 * journal, a new service on the same data folder gets it again, and every record ends with exactly one update.
 */
class JmsRedeliveryTest {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String QUEUE = "participant-updates";

    @Test
    void givenProcessKilledMidBatch_whenRestartedOnSameJournal_thenRemainingRecordsSentAndNoneUpdatedTwice()
            throws Exception {
        Path dir = Files.createTempDirectory("ps-jms-crash");
        SandboxServer sandbox = SandboxServer.start(0);
        int port = TestApp.freePort();
        // the zigned record meets a 503 and waits a minute before its retry: the process dies while it waits
        sandbox.knobs().failNext("zigned", 1, 503);
        Map<String, String> props = TestApp.properties(sandbox, dir, Map.of("jms.port", String.valueOf(port),
                "delivery.initial-backoff-ms", "60000", "delivery.max-backoff-ms", "60000"));
        Process child = startService(dir, props);
        try {
            await("the child service's JMS port", WAIT, () -> listening(port) || !child.isAlive());
            assertThat(child.isAlive()).as("child service is running (see %s)", dir.resolve("child.out")).isTrue();
            sendJms(port, QUEUE, array(SIX_RECORDS));

            Path progress = dir.resolve("data/queue-progress.txt");
            await("five records with an outcome and the zigned record waiting for its retry", WAIT,
                    () -> sandbox.appliedEdits().size() == 5 && sandbox.knobs().pendingFailures("zigned") == 0
                            && lines(progress) == 5);
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(reports(dir.resolve("reports"))).as("the killed batch never finished").isEmpty();
        assertThat(sandbox.appliedEdits()).extracting(AppliedEdit::provider).doesNotContain("zigned");

        try (TestApp app = TestApp.start(sandbox, dir, true, Map.of("jms.port", String.valueOf(port)))) {
            await("the redelivered message's report", WAIT, () -> reports(dir.resolve("reports")).size() == 1);
            JsonNode report = reports(dir.resolve("reports")).get(0);
            assertThat(report.path("counts").path("received").asInt()).isEqualTo(1);
            assertThat(report.path("counts").path("updated").asInt()).isEqualTo(1);
            assertThat(report.path("rows").get(0).path("row").asInt()).isEqualTo(3);
            assertThat(report.path("rows").get(0).path("provider").asText()).isEqualTo("zigned");
            assertThat(report.path("notes")).extracting(JsonNode::asText).containsExactly(
                    "redelivered: 5 of 6 records already had an outcome in an earlier delivery and were not sent again");

            List<AppliedEdit> edits = sandbox.appliedEdits();
            assertThat(edits).hasSize(6);
            assertThat(edits).extracting(e -> e.provider() + "|" + e.account() + "|" + e.locator())
                    .doesNotHaveDuplicates();
            EmbeddedBroker broker = app.app.queues().broker();
            await("the message acknowledged", WAIT, () -> broker.messageCount(QUEUE) == 0);
        }
    }

    /** The service as its own JVM ({@code run --config}), so it can be killed like a crashed process. */
    private static Process startService(Path dir, Map<String, String> props) throws IOException {
        Path config = dir.resolve("child.properties");
        Properties p = new Properties();
        p.putAll(new HashMap<>(props));
        try (Writer w = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
            p.store(w, null);
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx384m", "-Dps.log.dir=" + dir.resolve("child-logs"),
                "-cp", System.getProperty("java.class.path"), "io.participantsync.Application",
                "run", "--config", config.toString());
        pb.redirectErrorStream(true);
        pb.redirectOutput(dir.resolve("child.out").toFile());
        return pb.start();
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static long lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file).size() : 0;
        } catch (IOException e) {
            return 0;
        }
    }
}
