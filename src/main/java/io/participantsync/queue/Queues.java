package io.participantsync.queue;

import io.participantsync.config.ConfigurationException;
import io.participantsync.config.Settings;
import io.participantsync.observe.ReadinessCheck;
import io.participantsync.intake.JsonRecordMapper;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.Service;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.messaginghub.pooled.jms.JmsPoolConnectionFactory;

/**
 * Everything the two queue edges need, from {@link Settings}: the JMS broker (embedded Artemis unless
 * {@code jms.broker-url} names an external one), a pooled ConnectionFactory behind the {@code jms} component, the
 * {@link QueueIntake} bean. The Kafka edge is kept stopped unless {@code kafka.brokers} is set, the JMS edge when
 * {@code jms.enabled=false} (both via Camel's auto-startup exclude pattern, so the YAML files stay as they are). The
 * broker and the pool start before the routes and stop after them.
 */
public final class Queues {

    /** Registry names the YAML edges use. */
    public static final String INTAKE_BEAN = "queueIntake";
    public static final String CONNECTION_FACTORY_BEAN = "jmsConnectionFactory";
    /** Route ids of the two edges: each is kept stopped when its queue is not configured. */
    public static final String JMS_ROUTE = "intake-jms";
    public static final String KAFKA_ROUTE = "intake-kafka";

    private final Settings settings;
    private final boolean jmsEnabled;
    private final EmbeddedBroker broker;
    private final JmsPoolConnectionFactory connectionFactory;
    private final QueueIntake intake;

    private Queues(Settings settings, boolean jmsEnabled, EmbeddedBroker broker,
            JmsPoolConnectionFactory connectionFactory, QueueIntake intake) {
        this.settings = settings;
        this.jmsEnabled = jmsEnabled;
        this.broker = broker;
        this.connectionFactory = connectionFactory;
        this.intake = intake;
    }

    /** Reads the jms.* and kafka.* settings; starts nothing yet. */
    public static Queues create(Settings settings, Path dataDir, Path deadLetterDir, Clock clock) {
        boolean jmsEnabled = !"false".equalsIgnoreCase(settings.get("jms.enabled", "true"));
        String external = settings.get("jms.broker-url");
        String queue = settings.get("jms.queue", "participant-updates");
        EmbeddedBroker broker = null;
        ActiveMQConnectionFactory target;
        if (external != null) {
            target = new ActiveMQConnectionFactory(external, settings.get("jms.username"),
                    settings.get("jms.password"));
        } else {
            int port = settings.getInt("jms.port", 61616);
            if (port < 1 || port > 65535) {
                throw new ConfigurationException("jms.port must be between 1 and 65535, was " + port);
            }
            broker = new EmbeddedBroker(dataDir.resolve("artemis"), queue, port,
                    settings.getInt("jms.max-delivery-attempts", 10),
                    settings.getLong("jms.redelivery-delay-ms", 1000));
            target = new ActiveMQConnectionFactory(broker.vmUrl());
        }
        JmsPoolConnectionFactory pool = new JmsPoolConnectionFactory();
        pool.setConnectionFactory(target);
        pool.setMaxConnections(settings.getInt("jms.pool.max-connections", 4));
        String reports = settings.get("queue.report-dir");
        QueueIntake intake = new QueueIntake(new JsonRecordMapper(), new UnparseableMessages(deadLetterDir, clock),
                reports == null ? null : Path.of(reports), clock);
        return new Queues(settings, jmsEnabled, jmsEnabled ? broker : null, pool, intake);
    }

    /** Binds the beans and the {@code jms} component, and ties broker and pool to the Camel context's life. */
    public void bindTo(Main main) {
        JmsComponent jms = new JmsComponent();
        jms.setConnectionFactory(connectionFactory);
        main.bind("jms", jms);
        main.bind(CONNECTION_FACTORY_BEAN, connectionFactory);
        main.bind(INTAKE_BEAN, intake);
        if (jmsEnabled) {
            main.bind("brokerReadiness", brokerReadiness());
        }
        List<String> stopped = new ArrayList<>();
        if (!jmsEnabled) {
            stopped.add(JMS_ROUTE);
        }
        if (settings.get("kafka.brokers") == null) {
            stopped.add(KAFKA_ROUTE);
        }
        String existing = main.configure().getAutoStartupExcludePattern();
        if (existing != null && !existing.isBlank()) {
            stopped.add(0, existing);
        }
        if (!stopped.isEmpty()) {
            main.configure().withAutoStartupExcludePattern(String.join(",", stopped));
            // a route switched off by configuration is not a reason to be unready
            List<String> unchecked = new ArrayList<>();
            for (String route : stopped) {
                if (route.equals(JMS_ROUTE) || route.equals(KAFKA_ROUTE)) {
                    unchecked.add("route:" + route);
                    unchecked.add("consumer:" + route);
                }
            }
            String excluded = main.configure().health().getExcludePattern();
            if (excluded != null && !excluded.isBlank()) {
                unchecked.add(0, excluded);
            }
            main.configure().health().withExcludePattern(String.join(",", unchecked));
        }
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterConfigure(BaseMainSupport m) {
                CamelContext context = m.getCamelContext();
                try {
                    if (broker != null) {
                        // started now, before the routes; stopped after them (services stop in reverse order)
                        context.addService(broker, true, true);
                    }
                    context.addService(new PoolLifecycle(connectionFactory), true, true);
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IllegalStateException("cannot start the JMS broker or pool: " + e.getMessage(), e);
                }
            }
        });
    }

    /**
     * Readiness of the JMS broker: the embedded broker is active, or a connection to the external broker can be
     * opened and started.
     */
    ReadinessCheck brokerReadiness() {
        return new ReadinessCheck() {
            @Override
            public String name() {
                return "broker";
            }

            @Override
            public Result check() {
                if (broker != null) {
                    return broker.isActive() ? Result.up() : Result.down("embedded broker not active");
                }
                try (jakarta.jms.Connection c = connectionFactory.createConnection()) {
                    c.start();
                    return Result.up();
                } catch (jakarta.jms.JMSException | RuntimeException e) {
                    return Result.down("external broker unreachable: " + e.getClass().getSimpleName());
                }
            }
        };
    }

    /** The embedded broker, or {@code null} with an external broker or {@code jms.enabled=false}. */
    public EmbeddedBroker broker() {
        return broker;
    }

    public QueueIntake intake() {
        return intake;
    }

    /** Closes the pooled connections when Camel stops (after the routes, before the broker). */
    private record PoolLifecycle(JmsPoolConnectionFactory pool) implements Service {
        @Override
        public void start() {
            pool.start();
        }

        @Override
        public void stop() {
            pool.stop();
        }

        @Override
        public void close() {
            stop();
        }
    }
}
