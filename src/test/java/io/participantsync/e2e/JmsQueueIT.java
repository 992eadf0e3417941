package io.participantsync.e2e;

import static io.participantsync.e2e.QueueTestSupport.SIX_RECORDS;
import static io.participantsync.e2e.QueueTestSupport.array;
import static io.participantsync.e2e.QueueTestSupport.await;
import static io.participantsync.e2e.QueueTestSupport.files;
import static io.participantsync.e2e.QueueTestSupport.readJson;
import static io.participantsync.e2e.QueueTestSupport.reports;
import static io.participantsync.e2e.QueueTestSupport.sendJms;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.participantsync.queue.EmbeddedBroker;
import io.participantsync.sandbox.AppliedEdit;
import io.participantsync.support.TestApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JMS edge end to end: a plain JMS client on TCP sends JSON to the embedded broker, records reach the sandbox. */
class JmsQueueIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String QUEUE = "participant-updates";

    @Test
    void givenJsonArrayFromOutsideClient_whenSent_thenEveryRecordUpdatedReportedAndMessageAcknowledged()
            throws Exception {
        Path dir = Files.createTempDirectory("ps-jms");
        try (TestApp app = TestApp.start(dir, true, Map.of())) {
            int port = Integer.parseInt(app.app.settings().get("jms.port"));
            String id = sendJms(port, QUEUE, array(SIX_RECORDS));

            await("the message's batch report", WAIT, () -> reports(dir.resolve("reports")).size() == 1);
            JsonNode report = reports(dir.resolve("reports")).get(0);
            assertThat(report.path("source").path("kind").asText()).isEqualTo("jms");
            assertThat(report.path("source").path("name").asText()).isEqualTo(id);
            assertThat(report.path("counts").path("received").asInt()).isEqualTo(6);
            assertThat(report.path("counts").path("updated").asInt()).isEqualTo(6);
            assertThat(report.path("rows")).extracting(r -> r.path("row").asInt())
                    .containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6);
            assertThat(app.sandbox.appliedEdits()).hasSize(6);
            assertThat(app.sandbox.participant("zigned", "cm4draftnordic0001example", "cm4p0001asaoberg00example")
                    .orElseThrow().path("role").asText()).isEqualTo("approver");
            EmbeddedBroker broker = app.app.queues().broker();
            await("the message acknowledged", WAIT, () -> broker.messageCount(QUEUE) == 0);
        }
    }

    @Test
    void givenUnparseableMessage_whenSent_thenDeadLetteredOnceWithRawPayloadAndNotRedelivered() throws Exception {
        Path dir = Files.createTempDirectory("ps-jms-poison");
        try (TestApp app = TestApp.start(dir, true, Map.of("jms.redelivery-delay-ms", "10"))) {
            int port = Integer.parseInt(app.app.settings().get("jms.port"));
            String poison = "[{\"provider\":\"zigned\",\"identification_number\":\"198001011234\",\n \"name\" \"x\"}]";
            String poisonId = sendJms(port, QUEUE, poison);
            // a good message behind it: once it is done, the poison message (first in the queue) was settled
            sendJms(port, QUEUE, SIX_RECORDS.get(0));

            await("the good message's report", WAIT, () -> reports(dir.resolve("reports")).size() == 1);
            EmbeddedBroker broker = app.app.queues().broker();
            await("both messages acknowledged", WAIT, () -> broker.messageCount(QUEUE) == 0);

            List<Path> deadLetters = files(dir.resolve("dead-letter"), ".json");
            assertThat(deadLetters).hasSize(1);
            assertThat(deadLetters.get(0).getFileName().toString())
                    .isEqualTo("jms-" + poisonId.replaceAll("[^A-Za-z0-9._-]", "_") + ".json");
            JsonNode letter = readJson(deadLetters.get(0));
            assertThat(letter.path("outcome").asText()).isEqualTo("rejected");
            assertThat(letter.path("error_category").asText()).isEqualTo("unparseable");
            assertThat(letter.path("error_message").asText()).startsWith("malformed JSON at line 2, column 9: ");
            assertThat(letter.path("source").path("name").asText()).isEqualTo(poisonId);
            assertThat(letter.path("raw_payload").asText())
                    .isEqualTo(poison.replace("\"198001011234\"", "\"***\""));
            assertThat(Files.getPosixFilePermissions(deadLetters.get(0))).extracting(Object::toString)
                    .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
            // acknowledged, not rolled back: nothing went to the broker's dead-letter queue
            assertThat(broker.messageCount("DLQ." + QUEUE)).isLessThanOrEqualTo(0);
            assertThat(reports(dir.resolve("reports")).get(0).path("counts").path("updated").asInt()).isEqualTo(1);
            assertThat(app.sandbox.appliedEdits()).extracting(AppliedEdit::provider).containsExactly("oneflow");
        }
    }
}
