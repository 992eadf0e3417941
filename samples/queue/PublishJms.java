import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * Publishes a JSON file (one record or an array) as one persistent text message on participant-updates.
 * Run: java -cp target/participant-sync.jar samples/queue/PublishJms.java samples/queue/updates.json [broker-url]
 */
public class PublishJms {
    public static void main(String[] args) throws Exception {
        String body = Files.readString(Path.of(args[0]), StandardCharsets.UTF_8);
        String url = args.length > 1 ? args[1] : "tcp://127.0.0.1:61616";
        try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(url);
                Connection connection = factory.createConnection();
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            MessageProducer producer = session.createProducer(session.createQueue("participant-updates"));
            TextMessage message = session.createTextMessage(body);
            producer.send(message);
            System.out.println("sent " + message.getJMSMessageID());
        }
    }
}
