package io.participantsync.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.participantsync.support.TestApp;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The HTTP API over TLS: a key store the test makes with the JDK's keytool, Camel's {@code camel.ssl.*} settings and
 * {@code camel.server.useGlobalSslContextParameters}; a client trusting that certificate posts a batch over https.
 */
class HttpApiTlsIT {

    private static final String PASSWORD = "changeit-" + Long.toHexString(System.nanoTime());
    private static final String KEY = "tls-test-key-51e0";

    private static TestApp app;
    private static Path keyStore;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("ps-tls");
        keyStore = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-storetype", "PKCS12",
                "-keystore", keyStore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
                .redirectErrorStream(true).start();
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.exitValue()).as(output).isZero();

        app = TestApp.start(dir, true, Map.of("http.api-keys", KEY,
                "camel.ssl.enabled", "true",
                "camel.ssl.key-store", "file:" + keyStore,
                "camel.ssl.key-store-type", "PKCS12",
                "camel.ssl.keystore-password", PASSWORD,
                "camel.server.use-global-ssl-context-parameters", "true"));
        port = Integer.parseInt(app.app.settings().get("camel.server.port"));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    private static HttpClient trustingTheTestCertificate() throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            trusted.load(in, PASSWORD.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    @Test
    void givenTlsEnabled_whenABatchIsPostedOverHttps_thenItIsAnsweredWithItsReport() throws Exception {
        HttpClient client = trustingTheTestCertificate();
        String body = "{\"provider\": \"zoho\", \"organization\": \"NordicExampleAB\", "
                + "\"current_email\": \"asa.oberg@example.com\", \"name\": \"Åsa Öberg-Lind\"}";

        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port
                + "/api/v1/participant-updates?wait=30")).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + KEY)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(new ObjectMapper().readTree(r.body()).at("/counts/updated").asInt()).isEqualTo(1);
        assertThat(app.sandbox.appliedEdits()).hasSize(1);
    }

    @Test
    void givenTlsEnabled_whenPlainHttpIsTried_thenNoAnswer() {
        HttpClient plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();

        assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/api/v1/openapi.json")).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
    }
}
