package io.participantsync.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.participantsync.support.TestApp;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP server's header, read and idle timeouts over raw sockets: a request whose headers or body trickle in byte
 * by byte, or that stops half-way, has its connection closed within the configured bound.
 */
class HttpServerTimeoutsIT {

    private static final int HEADER_SECONDS = 2;
    private static final int READ_SECONDS = 2;
    private static final int IDLE_SECONDS = 3;

    private static TestApp app;
    private static int port;
    private ScheduledExecutorService trickler;

    @BeforeAll
    static void start() throws IOException {
        app = TestApp.start(Files.createTempDirectory("ps-timeouts"), true, Map.of(
                "http.header-timeout-seconds", Integer.toString(HEADER_SECONDS),
                "http.read-timeout-seconds", Integer.toString(READ_SECONDS),
                "http.idle-timeout-seconds", Integer.toString(IDLE_SECONDS),
                "http.max-wait-seconds", "1"));
        port = Integer.parseInt(app.app.settings().get("camel.server.port"));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @BeforeEach
    void threads() {
        trickler = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterEach
    void stopTrickling() {
        trickler.shutdownNow();
    }

    @Test
    void givenHeadersTrickledByteByByte_whenTheHeaderTimeoutPasses_thenTheServerClosesTheConnection() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            long opened = System.nanoTime();
            // one byte every 100 ms: never idle, never complete
            AtomicInteger sent = trickle(socket, "GET /api/v1/openapi.json HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
                    + "a".repeat(1000));

            long closedAfterMs = awaitClosed(socket, opened);

            assertThat(closedAfterMs).isBetween(HEADER_SECONDS * 1000L - 100, HEADER_SECONDS * 1000L + 1000);
            assertThat(sent.get()).as("still sending when closed").isGreaterThan(10);
        }
    }

    @Test
    void givenBodyTrickledByteByByte_whenTheReadTimeoutPasses_thenTheServerClosesTheConnection() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/v1/participant-updates HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/csv\r\n"
                    + "Content-Length: 5000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long headersSent = System.nanoTime();
            AtomicInteger sent = trickle(socket, "x".repeat(5000));

            long closedAfterMs = awaitClosed(socket, headersSent);

            assertThat(closedAfterMs).isBetween(READ_SECONDS * 1000L - 100, READ_SECONDS * 1000L + 1000);
            assertThat(sent.get()).isGreaterThan(10);
        }
    }

    @Test
    void givenPartialRequestThenSilence_whenTheBoundPasses_thenTheServerClosesTheConnection() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            long opened = System.nanoTime();
            socket.getOutputStream().write("GET /api/v1/openapi.json HTTP/1.1\r\nHost: 12".getBytes(
                    StandardCharsets.US_ASCII));

            long closedAfterMs = awaitClosed(socket, opened);

            assertThat(closedAfterMs).isLessThan(Math.min(HEADER_SECONDS, IDLE_SECONDS) * 1000L + 1000);
        }
    }

    @Test
    void givenACompleteRequest_whenSent_thenAnsweredOnTheSameConnection() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET /api/v1/openapi.json HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(
                    StandardCharsets.US_ASCII));
            byte[] head = new byte[12];
            int n = socket.getInputStream().readNBytes(head, 0, head.length);

            assertThat(new String(head, 0, n, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
        }
    }

    /** Writes one byte of {@code text} every 100 ms on another thread; the count of bytes written so far. */
    private AtomicInteger trickle(Socket socket, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        AtomicInteger sent = new AtomicInteger();
        trickler.scheduleAtFixedRate(() -> {
            int i = sent.get();
            if (i < bytes.length) {
                try {
                    socket.getOutputStream().write(bytes[i]);
                    socket.getOutputStream().flush();
                    sent.incrementAndGet();
                } catch (IOException e) {
                    throw new IllegalStateException("closed", e);
                }
            }
        }, 0, 100, TimeUnit.MILLISECONDS);
        return sent;
    }

    /** Blocks reading until the server closes the connection (at most 10 s); the time since {@code from}. */
    private static long awaitClosed(Socket socket, long from) throws IOException {
        socket.setSoTimeout((int) Duration.ofSeconds(10).toMillis());
        InputStream in = socket.getInputStream();
        try {
            while (in.read() != -1) {
                // an answer (e.g. a 408) may come first; the connection must still be closed
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server did not close the connection within 10 s", e);
        } catch (IOException e) {
            // reset by the server: closed as well
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - from);
    }
}
