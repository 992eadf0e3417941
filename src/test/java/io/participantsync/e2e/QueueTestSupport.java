package io.participantsync.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.awaitility.Awaitility;

/** Helpers for the queue edge tests: a plain JMS client, bounded waits, the JSON files a batch leaves behind. */
final class QueueTestSupport {

    static final ObjectMapper JSON = new ObjectMapper();

    /** Six participants of the sandbox seed, one JSON record each, every one a real change. */
    static final List<String> SIX_RECORDS = List.of(
            "{\"provider\":\"oneflow\",\"contract_id\":100101,\"party_id\":200101,\"participant_id\":300101,"
                    + "\"name\":\"Åsa Öberg-Lind\"}",
            "{\"provider\":\"oneflow\",\"connection\":\"oneflow-acme\",\"contract_id\":\"100901\","
                    + "\"party_id\":\"200901\",\"participant_id\":\"300901\",\"title\":\"Director, Procurement\"}",
            "{\"provider\":\"zigned\",\"agreement_id\":\"cm4draftnordic0001example\","
                    + "\"participant_id\":\"cm4p0001asaoberg00example\",\"role\":\"approver\"}",
            "{\"provider\":\"signinghub\",\"package_id\":401001,\"workflow_order\":1,"
                    + "\"current_email\":\"asa.oberg@example.com\",\"name\":\"Åsa Öberg-Lind\"}",
            "{\"provider\":\"eviasign\",\"request_id\":\"3f2c9a4e-6b1d-4c8e-9f3a-2b7d5e1a0c11\","
                    + "\"current_email\":\"jose.nunez@example.org\",\"email\":\"jose.nunez@iberia.example.org\"}",
            "{\"provider\":\"zoho\",\"organization\":\"NordicExampleAB\",\"current_email\":\"asa.oberg@example.com\","
                    + "\"name\":\"Åsa Öberg-Lind\"}");

    private QueueTestSupport() {
    }

    static String array(List<String> records) {
        return "[" + String.join(",\n", records) + "]";
    }

    /** Sends a persistent text message from a client outside the service, over TCP; returns its JMS message id. */
    static String sendJms(int port, String queue, String body) throws Exception {
        try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + port);
                Connection connection = factory.createConnection();
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            MessageProducer producer = session.createProducer(session.createQueue(queue));
            TextMessage message = session.createTextMessage(body);
            producer.send(message);
            return message.getJMSMessageID();
        }
    }

    /** Waits (Awaitility, polling every 50 ms, bounded) until the condition holds; fails naming {@code what}. */
    static void await(String what, Duration timeout, BooleanSupplier condition) {
        Awaitility.await(what).atMost(timeout).pollInterval(Duration.ofMillis(50)).until(condition::getAsBoolean);
    }

    /** Every file under {@code dir} whose name ends with {@code suffix}, sorted by name. */
    static List<Path> files(Path dir, String suffix) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        // the service writes reports as a hidden temporary file renamed into place: one can vanish while the walk
        // reads it, and then the walk is simply done again
        for (int attempt = 1; ; attempt++) {
            try (Stream<Path> s = Files.walk(dir)) {
                return s.filter(p -> p.getFileName().toString().endsWith(suffix)
                        && !p.getFileName().toString().startsWith(".")).sorted().toList();
            } catch (UncheckedIOException e) {
                if (!(e.getCause() instanceof NoSuchFileException) || attempt == 10) {
                    throw e;
                }
            } catch (IOException e) {
                if (!(e instanceof NoSuchFileException) || attempt == 10) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    static List<JsonNode> reports(Path reportDir) {
        return files(reportDir, ".report.json").stream().map(QueueTestSupport::readJson).toList();
    }

    static JsonNode readJson(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
