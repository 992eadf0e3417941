package io.participantsync.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.participantsync.core.Headers;
import io.participantsync.core.RecordSource;
import io.participantsync.intake.JsonInputException;
import io.participantsync.intake.JsonRecordMapper;
import io.participantsync.model.ParticipantUpdate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** The queue bean: a message becomes a batch checkpointed under its message id, bad JSON is dead-lettered. */
class QueueIntakeTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-04T05:06:07Z"), ZoneOffset.UTC);

    @Test
    void givenJmsMessage_whenOpened_thenBatchHeadersAndAllRecords() throws Exception {
        Path dir = Files.createTempDirectory("ps-intake");
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            QueueIntake intake = intake(dir);
            Exchange e = jms(camel, "ID:42", "[{\"provider\":\"zoho\"},{\"provider\":\"zigned\"}]");

            List<ParticipantUpdate> records = drain(intake.openJms(e));

            assertThat(records).extracting(ParticipantUpdate::provider).containsExactly("zoho", "zigned");
            assertThat(e.getIn().getHeader(Headers.SOURCE_KIND)).isEqualTo("jms");
            assertThat(e.getIn().getHeader(Headers.SOURCE_NAME)).isEqualTo("ID:42");
            assertThat(e.getIn().getHeader(Headers.REPORT_PATH, String.class))
                    .isEqualTo(dir.resolve("reports/2026-03-04/jms-ID_42-050607000.report.json").toString());
        }
    }

    @Test
    void givenJmsMessage_whenOpened_thenItsRecordsAreCheckpointedUnderTheMessageId() throws Exception {
        Path dir = Files.createTempDirectory("ps-intake");
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            QueueIntake intake = intake(dir);
            Exchange e = jms(camel, "ID:7", "[{\"provider\":\"zoho\"},{\"provider\":\"zigned\"}]");

            List<ParticipantUpdate> records = drain(intake.openJms(e));

            assertThat(e.getIn().getHeader(Headers.SOURCE_ID)).isEqualTo("jms:ID:7");
            assertThat(records).extracting(r -> r.source().row()).containsExactly(1L, 2L);
        }
    }

    @Test
    void givenJmsMessageWithoutId_whenOpened_thenNotCheckpointed() throws Exception {
        Path dir = Files.createTempDirectory("ps-intake");
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            QueueIntake intake = intake(dir);
            Exchange e = jms(camel, null, "{\"provider\":\"zoho\"}");

            List<ParticipantUpdate> records = drain(intake.openJms(e));

            assertThat(records).hasSize(1);
            assertThat(e.getIn().getHeader(Headers.SOURCE_ID)).isNull();
        }
    }

    @Test
    void givenBrokenJson_whenOpenedAndDeadLettered_thenFileNamedAfterMessageWithMaskedPayload() throws Exception {
        Path dir = Files.createTempDirectory("ps-intake");
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            QueueIntake intake = intake(dir);
            String body = "{\"Identification-Number\": 198001011234, \"otp_access_code\": \"12 34\", \"name\" }";
            Exchange e = jms(camel, "ID:9", body);
            assertThatThrownBy(() -> intake.openJms(e)).isInstanceOf(JsonInputException.class);
            e.setProperty(Exchange.EXCEPTION_CAUGHT, catchJson(intake, jms(camel, "ID:9", body)));

            Path file = intake.deadLetterUnparseable(e);
            Path again = intake.deadLetterUnparseable(e);

            assertThat(again).isEqualTo(file);
            assertThat(file).isEqualTo(dir.resolve("dead-letter/2026-03-04/jms-ID_9.json"));
            JsonNode letter = new ObjectMapper().readTree(file.toFile());
            assertThat(letter.path("raw_payload").asText()).isEqualTo(
                    "{\"Identification-Number\": \"***\", \"otp_access_code\": \"***\", \"name\" }");
            assertThat(letter.path("error_message").asText()).startsWith("malformed JSON at line 1, column ");
            assertThat(letter.path("source").path("name").asText()).isEqualTo("ID:9");
            assertThat(letter.toString()).doesNotContain("198001011234").doesNotContain("12 34");
        }
    }

    private static Exception catchJson(QueueIntake intake, Exchange e) {
        try {
            intake.openJms(e);
            throw new AssertionError("expected a JsonInputException");
        } catch (JsonInputException ex) {
            return ex;
        }
    }

    private static QueueIntake intake(Path dir) {
        return new QueueIntake(new JsonRecordMapper(), new UnparseableMessages(dir.resolve("dead-letter"), CLOCK),
                dir.resolve("reports"), CLOCK);
    }

    private static Exchange jms(DefaultCamelContext camel, String id, String body) {
        Exchange e = new DefaultExchange(camel);
        e.getIn().setHeader(QueueIntake.JMS_MESSAGE_ID, id);
        e.getIn().setBody(body);
        return e;
    }

    private static List<ParticipantUpdate> drain(RecordSource source) {
        List<ParticipantUpdate> out = new ArrayList<>();
        source.forEachRemaining(out::add);
        return out;
    }
}
