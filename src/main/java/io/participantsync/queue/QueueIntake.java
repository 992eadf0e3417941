package io.participantsync.queue;

import io.participantsync.core.Headers;
import io.participantsync.core.RecordSource;
import io.participantsync.intake.JsonInputException;
import io.participantsync.intake.JsonRecordMapper;
import io.participantsync.model.DeliveryOutcome;
import io.participantsync.model.ParticipantUpdate;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
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
 * Redelivery (a crash, or a batch that broke before every record had an outcome) sends the whole message again; each
 * record's outcome is remembered (message id and row, in a persistent repository) as it happens, so a redelivered
 * message sends only the records that had no outcome yet: nothing is lost and nothing is updated twice, except a
 * record whose provider call was in flight at the crash (at-least-once for that one record).
 */
public final class QueueIntake {

    /** The JMS message id header camel-jms sets. */
    static final String JMS_MESSAGE_ID = "JMSMessageID";
    private static final Logger LOG = LoggerFactory.getLogger(QueueIntake.class);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HHmmssSSS").withZone(ZoneOffset.UTC);

    private final JsonRecordMapper mapper;
    private final DeliveryProgress progress;
    private final UnparseableMessages unparseable;
    private final Path reportDir;
    private final Clock clock;

    /**
     * @param progress  remembers {@code <kind>:<message key>#<row>} of every record that has an outcome
     * @param reportDir where each message's batch report goes ({@code <dir>/<date>/...}); {@code null} for none
     */
    public QueueIntake(JsonRecordMapper mapper, DeliveryProgress progress, UnparseableMessages unparseable,
            Path reportDir, Clock clock) {
        this.mapper = mapper;
        this.progress = progress;
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

    private RecordSource open(Exchange exchange, String kind, String name, String progressKey) {
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
        if (progressKey == null) {
            return RecordSource.of(records, List.of());
        }
        List<ParticipantUpdate> pending = new ArrayList<>(records.size());
        for (ParticipantUpdate r : records) {
            if (!progress.contains(progressKey + "#" + r.source().row())) {
                pending.add(r);
            }
        }
        List<String> notes = new ArrayList<>();
        int done = records.size() - pending.size();
        if (done > 0) {
            notes.add("redelivered: " + done + " of " + records.size() + " records already had an outcome in an "
                    + "earlier delivery and were not sent again");
        }
        Consumer<DeliveryOutcome> remember = o -> {
            if (o.update() != null) {
                progress.add(progressKey + "#" + o.update().source().row());
            }
        };
        exchange.getIn().setHeader(Headers.OUTCOME_LISTENER, remember);
        return RecordSource.of(pending, notes);
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
