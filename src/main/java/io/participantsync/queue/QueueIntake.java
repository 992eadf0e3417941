package io.participantsync.queue;

import io.participantsync.core.Headers;
import io.participantsync.core.RecordSource;
import io.participantsync.intake.JsonInputException;
import io.participantsync.intake.JsonRecordMapper;
import io.participantsync.model.ParticipantUpdate;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue edges' bean ({@code routes/intake-jms.camel.yaml}, {@code routes/intake-kafka.camel.yaml}): reads one
 * message's JSON body into a batch of canonical records for {@code direct:ingest-batch}, dead-letters a message that
 * is not JSON at all, and commits a Kafka offset once the batch returned.
 * <p>
 * Redelivery (a crash, or a batch that broke before every record had an outcome) sends the whole message again; its
 * records are checkpointed by the core under the message's source id ({@code jms:<message id>},
 * {@code kafka:<topic>-<partition>-<offset>@<timestamp>}) and row, so in a redelivered message the records that
 * already had an outcome are re-emitted from their checkpoints and only the others are sent: nothing is lost and
 * nothing is updated twice, except a record whose provider call was in flight at the crash (at-least-once for that
 * one record).
 */
public final class QueueIntake {

    /** The JMS message id header camel-jms sets. */
    static final String JMS_MESSAGE_ID = "JMSMessageID";
    private static final Logger LOG = LoggerFactory.getLogger(QueueIntake.class);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HHmmssSSS").withZone(ZoneOffset.UTC);

    private final JsonRecordMapper mapper;
    private final UnparseableMessages unparseable;
    private final Path reportDir;
    private final Clock clock;

    /**
     * @param reportDir where each message's batch report goes ({@code <dir>/<date>/...}); {@code null} for none
     */
    public QueueIntake(JsonRecordMapper mapper, UnparseableMessages unparseable, Path reportDir, Clock clock) {
        this.mapper = mapper;
        this.unparseable = unparseable;
        this.reportDir = reportDir;
        this.clock = clock;
    }

    /** A JMS message (text or bytes, UTF-8) as a batch; its source name is the JMS message id. */
    public RecordSource openJms(Exchange exchange) {
        String id = exchange.getIn().getHeader(JMS_MESSAGE_ID, String.class);
        // without a message id (a producer that disables them) a redelivery cannot be recognised
        String name = id != null ? id : "jms-" + exchange.getExchangeId();
        return open(exchange, "jms", name, id == null ? null : "jms:" + id);
    }

    /** A Kafka record as a batch; its source name is {@code <topic>-<partition>-<offset>}. */
    public RecordSource openKafka(Exchange exchange) {
        String name = kafkaName(exchange);
        Long timestamp = exchange.getIn().getHeader(KafkaConstants.TIMESTAMP, Long.class);
        // the timestamp tells a re-created topic's offset 0 from the old one's
        return open(exchange, "kafka", name, "kafka:" + name + "@" + (timestamp == null ? "" : timestamp));
    }

    /** Writes the dead letter of the message whose body could not be parsed (the caught exception); returns it. */
    public Path deadLetterUnparseable(Exchange exchange) {
        Exception caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String error = caught instanceof JsonInputException ? caught.getMessage()
                : "cannot read the message: " + (caught == null ? "unknown error" : caught.getClass().getSimpleName());
        String kind = exchange.getIn().getHeader(Headers.SOURCE_KIND, String.class);
        String name = exchange.getIn().getHeader(Headers.SOURCE_NAME, String.class);
        Map<String, Object> details = new LinkedHashMap<>();
        if ("kafka".equals(kind)) {
            details.put("topic", exchange.getIn().getHeader(KafkaConstants.TOPIC));
            details.put("partition", exchange.getIn().getHeader(KafkaConstants.PARTITION));
            details.put("offset", exchange.getIn().getHeader(KafkaConstants.OFFSET));
        } else {
            details.put("destination", String.valueOf(exchange.getIn().getHeader("JMSDestination")));
        }
        Path file = unparseable.write(kind == null ? "queue" : kind, name, clock.instant(),
                exchange.getIn().getBody(String.class), error, details);
        LOG.warn("{} {} is not readable as records, dead-lettered to {}: {}", kind, name, file, error);
        return file;
    }

    /** Commits the Kafka offset of this record (the batch has returned: every record has an outcome). */
    public void commitKafka(Exchange exchange) {
        KafkaManualCommit commit = exchange.getIn().getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
        if (commit == null) {
            throw new IllegalStateException("no " + KafkaConstants.MANUAL_COMMIT
                    + " header: the Kafka endpoint needs allowManualCommit=true");
        }
        commit.commit();
    }

    private RecordSource open(Exchange exchange, String kind, String name, String sourceId) {
        exchange.getIn().setHeader(Headers.SOURCE_KIND, kind);
        exchange.getIn().setHeader(Headers.SOURCE_NAME, name);
        Instant now = clock.instant();
        if (reportDir != null) {
            Path report = reportDir.resolve(LocalDate.ofInstant(now, ZoneOffset.UTC).toString())
                    .resolve(kind + "-" + safe(name) + "-" + TIME.format(now) + ".report.json");
            exchange.getIn().setHeader(Headers.REPORT_PATH, report.toString());
        }
        String body = exchange.getIn().getBody(String.class);
        List<ParticipantUpdate> records = mapper.map(new StringReader(body == null ? "" : body), kind, name, now);
        if (sourceId != null) {
            // the core checkpoints each record under it: a redelivery re-emits the outcomes it finds
            exchange.getIn().setHeader(Headers.SOURCE_ID, sourceId);
        }
        return RecordSource.of(records, List.of());
    }

    private static String kafkaName(Exchange exchange) {
        return exchange.getIn().getHeader(KafkaConstants.TOPIC, String.class) + "-"
                + exchange.getIn().getHeader(KafkaConstants.PARTITION, String.class) + "-"
                + exchange.getIn().getHeader(KafkaConstants.OFFSET, String.class);
    }

    private static String safe(String s) {
        String v = s.replaceAll("[^A-Za-z0-9._-]", "_");
        return v.length() > 120 ? v.substring(0, 120) : v;
    }
}
