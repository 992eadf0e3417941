package io.participantsync.e2e;

import static io.participantsync.e2e.QueueTestSupport.JSON;
import static io.participantsync.e2e.QueueTestSupport.await;
import static io.participantsync.e2e.QueueTestSupport.files;
import static io.participantsync.e2e.QueueTestSupport.readJson;
import static io.participantsync.e2e.QueueTestSupport.reports;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.participantsync.queue.KafkaKeys;
import io.participantsync.sandbox.AppliedEdit;
import io.participantsync.support.TestApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Kafka edge against a real Kafka broker in the test JVM (KRaft, no Docker): order per participant, offsets
 * committed only after every record of a Kafka record has an outcome, unparseable values dead-lettered once.
 */
class KafkaQueueIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static KafkaTestBroker kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = KafkaTestBroker.start(Files.createTempDirectory("ps-kafka"));
    }

    @AfterAll
    static void stopKafka() throws Exception {
        kafka.close();
    }

    @Test
    void givenUpdatesKeyedByLocator_whenPublishedInterleaved_thenEachParticipantUpdatedInPublishedOrder()
            throws Exception {
        String topic = "order-test";
        kafka.createTopic(topic, 3);
        Path dir = Files.createTempDirectory("ps-kafka-order");
        List<Map<String, String>> participants = List.of(
                Map.of("provider", "oneflow", "contract_id", "100101", "party_id", "200101",
                        "participant_id", "300101"),
                Map.of("provider", "oneflow", "connection", "oneflow-acme", "contract_id", "100901",
                        "party_id", "200901", "participant_id", "300901"),
                Map.of("provider", "zigned", "agreement_id", "cm4draftnordic0001example",
                        "participant_id", "cm4p0001asaoberg00example"));
        try (TestApp app = TestApp.start(dir, true, kafkaSettings(topic, "order-group"));
                KafkaProducer<String, String> producer = producer()) {
            for (int version = 1; version <= 5; version++) {
                for (Map<String, String> locator : participants) {
                    Map<String, String> record = new LinkedHashMap<>(locator);
                    record.put("name", "Name " + version);
                    producer.send(new ProducerRecord<>(topic, KafkaKeys.of(record), JSON.writeValueAsString(record)));
                }
            }
            producer.flush();

            await("15 batch reports", WAIT, () -> reports(dir.resolve("reports")).size() == 15);
            List<AppliedEdit> edits = app.sandbox.appliedEdits();
            assertThat(edits).hasSize(15);
            Map<String, List<String>> namesByParticipant = edits.stream().collect(Collectors.groupingBy(
                    e -> e.account() + "|" + e.locator(), LinkedHashMap::new,
                    Collectors.mapping(e -> e.fields().path("name").asText(), Collectors.toList())));
            assertThat(namesByParticipant).hasSize(3);
            namesByParticipant.forEach((participant, names) -> assertThat(names).as(participant)
                    .containsExactly("Name 1", "Name 2", "Name 3", "Name 4", "Name 5"));
            assertThat(app.sandbox.participant("zigned", "cm4draftnordic0001example", "cm4p0001asaoberg00example")
                    .orElseThrow().path("name").asText()).isEqualTo("Name 5");
        }
    }

    @Test
    void givenRecordStillWaitingForRetry_whenOffsetsChecked_thenCommittedOnlyAfterEveryOutcome() throws Exception {
        String topic = "commit-test";
        String group = "commit-group";
        kafka.createTopic(topic, 1);
        Path dir = Files.createTempDirectory("ps-kafka-commit");
        Map<String, String> settings = new LinkedHashMap<>(kafkaSettings(topic, group));
        settings.put("delivery.initial-backoff-ms", "3000");
        settings.put("delivery.max-backoff-ms", "3000");
        try (TestApp app = TestApp.start(dir, true, settings);
                KafkaProducer<String, String> producer = producer();
                Admin admin = kafka.admin()) {
            app.sandbox.knobs().failNext("zigned", 1, 503);
            String body = "[" + QueueTestSupport.SIX_RECORDS.get(0) + "," + QueueTestSupport.SIX_RECORDS.get(2) + "]";
            RecordMetadata sent = producer.send(new ProducerRecord<>(topic, "k", body)).get();
            TopicPartition partition = new TopicPartition(topic, 0);

            await("oneflow updated and zigned's first call answered 503", WAIT,
                    () -> app.sandbox.appliedEdits().size() == 1
                            && app.sandbox.knobs().pendingFailures("zigned") == 0);
            assertThat(committed(admin, group, partition)).as("nothing committed while a record has no outcome")
                    .isLessThanOrEqualTo(sent.offset());

            await("the batch report", WAIT, () -> reports(dir.resolve("reports")).size() == 1);
            JsonNode report = reports(dir.resolve("reports")).get(0);
            assertThat(report.path("source").path("name").asText()).isEqualTo(topic + "-0-" + sent.offset());
            assertThat(report.path("counts").path("updated").asInt()).isEqualTo(2);
            await("the offset committed after the outcomes", WAIT,
                    () -> committed(admin, group, partition) == sent.offset() + 1);
        }
    }

    @Test
    void givenUnparseableValue_whenConsumed_thenDeadLetteredOnceAndCommitted() throws Exception {
        String topic = "poison-test";
        String group = "poison-group";
        kafka.createTopic(topic, 1);
        Path dir = Files.createTempDirectory("ps-kafka-poison");
        try (TestApp app = TestApp.start(dir, true, kafkaSettings(topic, group));
                KafkaProducer<String, String> producer = producer();
                Admin admin = kafka.admin()) {
            RecordMetadata poison = producer.send(new ProducerRecord<>(topic, "k", "{\"provider\": oneflow}")).get();
            RecordMetadata good = producer.send(new ProducerRecord<>(topic, "k",
                    QueueTestSupport.SIX_RECORDS.get(0))).get();
            TopicPartition partition = new TopicPartition(topic, 0);

            await("both records committed", WAIT, () -> committed(admin, group, partition) == good.offset() + 1);
            List<Path> deadLetters = files(dir.resolve("dead-letter"), ".json");
            assertThat(deadLetters).hasSize(1);
            assertThat(deadLetters.get(0).getFileName().toString())
                    .isEqualTo("kafka-" + topic + "-0-" + poison.offset() + ".json");
            JsonNode letter = readJson(deadLetters.get(0));
            assertThat(letter.path("error_category").asText()).isEqualTo("unparseable");
            assertThat(letter.path("error_message").asText()).startsWith("malformed JSON at line 1, column ");
            assertThat(letter.path("raw_payload").asText()).isEqualTo("{\"provider\": oneflow}");
            assertThat(letter.path("source").path("offset").asLong()).isEqualTo(poison.offset());
            assertThat(reports(dir.resolve("reports"))).hasSize(1);
            assertThat(app.sandbox.appliedEdits()).hasSize(1);
        }
    }

    private static Map<String, String> kafkaSettings(String topic, String group) {
        return Map.of("kafka.brokers", kafka.bootstrapServers(), "kafka.topic", topic, "kafka.group-id", group);
    }

    private static KafkaProducer<String, String> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    /** The group's committed offset of the partition; -1 when none. */
    private static long committed(Admin admin, String group, TopicPartition partition) {
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get();
            OffsetAndMetadata o = offsets.get(partition);
            return o == null ? -1 : o.offset();
        } catch (Exception e) {
            return -1;
        }
    }
}
