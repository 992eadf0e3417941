package io.participantsync.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The embedded broker: queue created durable at start, a taken TCP port is a clear start failure. */
class EmbeddedBrokerIT {

    @Test
    void givenFreePort_whenStarted_thenQueueExistsEmptyAndJournalUnderDataDir() throws Exception {
        Path dir = Files.createTempDirectory("ps-broker");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        EmbeddedBroker broker = new EmbeddedBroker(dir.resolve("artemis"), "participant-updates", port, 3, 100);
        broker.start();
        try {
            assertThat(broker.messageCount("participant-updates")).isZero();
            assertThat(broker.messageCount("no-such-queue")).isEqualTo(-1);
            assertThat(dir.resolve("artemis/journal")).isDirectory();
            assertThat(broker.tcpUrl()).isEqualTo("tcp://127.0.0.1:" + port);
        } finally {
            broker.stop();
        }
    }

    @Test
    void givenPortTaken_whenStarted_thenFailsNamingThePort() throws Exception {
        Path dir = Files.createTempDirectory("ps-broker-taken");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            EmbeddedBroker broker = new EmbeddedBroker(dir, "participant-updates", taken.getLocalPort(), 3, 100);
            assertThatThrownBy(broker::start).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("tcp://127.0.0.1:" + taken.getLocalPort());
            broker.stop();
        }
    }
}
