package io.participantsync.queue;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.spi.core.remoting.Acceptor;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.camel.Service;

/**
 * The default JMS broker: ActiveMQ Artemis in this process, started before and stopped after the Camel routes.
 * Messages are persistent (journal under {@code <data.dir>/artemis}); an in-VM acceptor serves this process and a
 * TCP acceptor on 127.0.0.1 serves other local programs. Redelivery belongs to the broker: a message whose batch
 * broke (rolled back) comes back after {@code redeliveryDelayMs} (doubling, at most a minute) and after
 * {@code maxDeliveryAttempts} moves to the auto-created {@code DLQ.<queue>}.
 */
public final class EmbeddedBroker implements Service {

    /** In-VM acceptor ids are global to the JVM: each broker of this process gets its own. */
    private static final AtomicInteger NEXT_VM_ID = new AtomicInteger();

    private final Path journalDir;
    private final String queue;
    private final int port;
    private final int maxDeliveryAttempts;
    private final long redeliveryDelayMs;
    private final int vmId = NEXT_VM_ID.getAndIncrement();
    private EmbeddedActiveMQ server;

    public EmbeddedBroker(Path journalDir, String queue, int port, int maxDeliveryAttempts, long redeliveryDelayMs) {
        this.journalDir = journalDir;
        this.queue = queue;
        this.port = port;
        this.maxDeliveryAttempts = maxDeliveryAttempts;
        this.redeliveryDelayMs = redeliveryDelayMs;
    }

    /** The URL a client in this process connects with ({@code vm://<id>}). */
    public String vmUrl() {
        return "vm://" + vmId;
    }

    /** The URL a local program connects with. */
    public String tcpUrl() {
        return "tcp://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Whether the broker is started and serving (readiness). */
    public synchronized boolean isActive() {
        return server != null && server.getActiveMQServer() != null && server.getActiveMQServer().isActive();
    }

    @Override
    public synchronized void start() {
        if (server != null) {
            return;
        }
        try {
            // owner-only before Artemis writes into them: the journal holds the messages (personal data)
            for (String sub : new String[] {"journal", "bindings", "paging", "large-messages"}) {
                io.participantsync.deadletter.SecureFiles.directories(journalDir.resolve(sub));
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot create the broker's folders under " + journalDir + ": "
                    + e.getMessage(), e);
        }
        Configuration config = new ConfigurationImpl()
                .setName("participant-sync")
                .setPersistenceEnabled(true)
                .setJournalType(JournalType.NIO)
                .setJournalDirectory(journalDir.resolve("journal").toString())
                .setBindingsDirectory(journalDir.resolve("bindings").toString())
                .setPagingDirectory(journalDir.resolve("paging").toString())
                .setLargeMessagesDirectory(journalDir.resolve("large-messages").toString())
                .setNodeManagerLockDirectory(journalDir.toString())
                .setSecurityEnabled(false)
                .setJMXManagementEnabled(false)
                // a slow disk on a busy machine must not make the broker halt the whole JVM
                .setCriticalAnalyzer(false)
                // a full disk fails loudly elsewhere (dead letters, reports); blocking producers would hide it
                .setMaxDiskUsage(-1);
        try {
            config.addAcceptorConfiguration("in-vm", vmUrl());
            config.addAcceptorConfiguration("tcp", tcpUrl());
        } catch (Exception e) {
            throw new IllegalStateException("bad acceptor URL " + tcpUrl(), e);
        }
        AddressSettings settings = new AddressSettings()
                .setAutoCreateAddresses(true)
                .setAutoCreateQueues(true)
                .setDeadLetterAddress(SimpleString.of("DLQ"))
                .setAutoCreateDeadLetterResources(true)
                .setExpiryAddress(SimpleString.of("ExpiryQueue"))
                .setAutoCreateExpiryResources(true)
                .setMaxDeliveryAttempts(maxDeliveryAttempts)
                .setRedeliveryDelay(redeliveryDelayMs)
                .setRedeliveryMultiplier(2.0)
                .setMaxRedeliveryDelay(Math.max(redeliveryDelayMs, 60_000));
        config.addAddressSetting("#", settings);
        // created up front and durable, so it exists (and keeps messages) before the first consumer connects
        config.addQueueConfiguration(QueueConfiguration.of(queue).setAddress(queue)
                .setRoutingType(RoutingType.ANYCAST).setDurable(true).setAutoDelete(false));
        EmbeddedActiveMQ embedded = new EmbeddedActiveMQ().setConfiguration(config);
        try {
            embedded.start();
            Acceptor tcp = embedded.getActiveMQServer().getRemotingService().getAcceptor("tcp");
            if (!embedded.getActiveMQServer().isActive() || tcp == null || !tcp.isStarted()) {
                // Artemis logs a bind failure and runs on without the acceptor: local programs could not connect
                throw new IllegalStateException("the TCP acceptor did not start (is port " + port
                        + " taken? set jms.port)");
            }
        } catch (Exception e) {
            try {
                embedded.stop();
            } catch (Exception ignored) {
                // reporting the start failure matters more
            }
            throw new IllegalStateException("cannot start the embedded JMS broker (journal " + journalDir + ", "
                    + tcpUrl() + "): " + e.getMessage(), e);
        }
        server = embedded;
    }

    @Override
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop the embedded JMS broker: " + e.getMessage(), e);
        } finally {
            server = null;
        }
    }

    /** Messages waiting in (or being delivered from) a queue of this broker; -1 when the queue does not exist. */
    public synchronized long messageCount(String queueName) {
        if (server == null) {
            throw new IllegalStateException("the embedded broker is not running");
        }
        Queue q = server.getActiveMQServer().locateQueue(queueName);
        return q == null ? -1 : q.getMessageCount();
    }
}
