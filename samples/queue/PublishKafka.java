import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.participantsync.queue.KafkaKeys;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes each record of a JSON array as its own Kafka record on participant-updates, keyed by participant
 * locator (KafkaKeys), so one participant's updates stay in one partition, in order.
 * Run: java -cp target/participant-sync.jar samples/queue/PublishKafka.java samples/queue/updates.json [brokers]
 */
public class PublishKafka {
    public static void main(String[] args) throws Exception {
        ObjectMapper json = new ObjectMapper();
        JsonNode root = json.readTree(Path.of(args[0]).toFile());
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, args.length > 1 ? args[1] : "127.0.0.1:9092");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (JsonNode record : root.isArray() ? root : json.createArrayNode().add(root)) {
                Map<String, String> fields = new LinkedHashMap<>();
                record.properties().forEach(f -> {
                    if (!f.getValue().isNull()) {
                        fields.put(f.getKey(), f.getValue().asText());
                    }
                });
                String key = KafkaKeys.of(fields);
                RecordMetadata sent = producer.send(
                        new ProducerRecord<>("participant-updates", key, json.writeValueAsString(record))).get();
                System.out.println("sent " + key + " -> partition " + sent.partition() + " offset " + sent.offset());
            }
        }
    }
}
