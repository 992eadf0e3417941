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
import io.participantsync.support.TestApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A service process killed (SIGKILL) in the middle of a JMS message's batch: the message stays in the persistent
 * journal, a new service on the same data folder gets it again, re-emits the five checkpointed outcomes, sends only
 * the sixth record, and every record ends with exactly one update.
 */
class JmsRedeliveryIT {

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
        Process child = ChildProcess.startService(dir, "child", props);
        try {
            await("the child service's JMS port", WAIT, () -> ChildProcess.listening(port) || !child.isAlive());
            assertThat(child.isAlive()).as("child service is running (see %s)", dir.resolve("child.out")).isTrue();
            sendJms(port, QUEUE, array(SIX_RECORDS));

            Path data = dir.resolve("data");
            await("five records with an outcome and the zigned record waiting for its retry", WAIT,
                    () -> sandbox.appliedEdits().size() == 5 && sandbox.knobs().pendingFailures("zigned") == 0
                            && ChildProcess.checkpoints(data, "jms:") == 5);
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(reports(dir.resolve("reports"))).as("the killed batch never finished").isEmpty();
        assertThat(sandbox.appliedEdits()).extracting(AppliedEdit::provider).doesNotContain("zigned");

        try (TestApp app = TestApp.start(sandbox, dir, true, Map.of("jms.port", String.valueOf(port)))) {
            await("the redelivered message's report", WAIT, () -> reports(dir.resolve("reports")).size() == 1);
            JsonNode report = reports(dir.resolve("reports")).get(0);
            assertThat(report.path("counts").path("received").asInt()).isEqualTo(6);
            assertThat(report.path("counts").path("updated").asInt()).isEqualTo(6);
            List<String> sent = new ArrayList<>();
            List<Integer> resumed = new ArrayList<>();
            report.path("rows").forEach(r -> {
                if (r.path("from_checkpoint").asBoolean()) {
                    resumed.add(r.path("row").asInt());
                } else {
                    sent.add(r.path("row").asInt() + " " + r.path("provider").asText());
                }
            });
            assertThat(sent).containsExactly("3 zigned");
            assertThat(resumed).containsExactlyInAnyOrder(1, 2, 4, 5, 6);
            assertThat(report.path("notes")).extracting(JsonNode::asText).containsExactly(
                    "resumed: 5 of 6 records already had an outcome in an earlier run of this source that was "
                            + "interrupted; they were not sent again and their rows say from_checkpoint");

            List<AppliedEdit> edits = sandbox.appliedEdits();
            assertThat(edits).hasSize(6);
            assertThat(edits).extracting(e -> e.provider() + "|" + e.account() + "|" + e.locator())
                    .doesNotHaveDuplicates();
            EmbeddedBroker broker = app.app.queues().broker();
            await("the message acknowledged", WAIT, () -> broker.messageCount(QUEUE) == 0);
        }
    }
}
