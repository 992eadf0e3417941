package io.participantsync.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/**
 * The origin that names a camel-http endpoint (one per scheme, host and port, whatever the path), and answers read
 * back whole however camel-http hands them over (bytes, or a stream cache for an empty or chunked answer).
 */
class CamelHttpTransportIT {

    @Test
    void givenAnswersWithALengthEmptyOrChunked_whenSent_thenEachBodyStatusAndHeaderComesBackWhole() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String chunked = "{\"name\":\"Zoë\"}".repeat(2000);
        server.createContext("/fixed", x -> {
            byte[] b = "{\"id\":7}".getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().set("X-Request-Id", "r-1");
            x.sendResponseHeaders(201, b.length);
            x.getResponseBody().write(b);
            x.close();
        });
        server.createContext("/empty", x -> {
            x.sendResponseHeaders(200, -1);
            x.close();
        });
        server.createContext("/chunked", x -> {
            x.sendResponseHeaders(200, 0);
            x.getResponseBody().write(chunked.getBytes(StandardCharsets.UTF_8));
            x.close();
        });
        server.start();
        CamelContext camel = new DefaultCamelContext();
        try {
            camel.start();
            ProducerTemplate template = camel.createProducerTemplate();
            CamelHttpTransport http = new CamelHttpTransport(() -> template);
            String base = "http://127.0.0.1:" + server.getAddress().getPort();

            HttpResponse fixed = http.send("put", base + "/fixed", Map.of("Content-Type", "application/json"), "{}");
            assertThat(fixed.status()).isEqualTo(201);
            assertThat(fixed.body()).isEqualTo("{\"id\":7}");
            assertThat(fixed.header("X-Request-Id")).isEqualTo("r-1");
            HttpResponse empty = http.send("PUT", base + "/empty", Map.of(), "{}");
            assertThat(empty.status()).isEqualTo(200);
            assertThat(empty.body()).isEmpty();
            HttpResponse streamed = http.send("GET", base + "/chunked", Map.of(), null);
            assertThat(streamed.body()).isEqualTo(chunked);
        } finally {
            camel.close();
            server.stop(0);
        }
    }

    @Test
    void givenUrlsOfOneServer_whenTheirOriginIsTaken_thenPathQueryUserInfoAndCaseDoNotCount() {
        assertThat(CamelHttpTransport.origin("https://api.oneflow.com/v1/contracts/7/participants/9"))
                .isEqualTo("https://api.oneflow.com");
        assertThat(CamelHttpTransport.origin("http://127.0.0.1:38811/zigned/rest/v3?x=1"))
                .isEqualTo("http://127.0.0.1:38811");
        assertThat(CamelHttpTransport.origin("HTTPS://Sign.Example.COM:8443#frag"))
                .isEqualTo("https://sign.example.com:8443");
        assertThat(CamelHttpTransport.origin("https://user:secret@host.example/path"))
                .isEqualTo("https://host.example");
        assertThat(CamelHttpTransport.origin("http://[::1]:8080/a")).isEqualTo("http://[::1]:8080");
    }

    @Test
    void givenAUrlWithoutSchemeOrHost_whenItsOriginIsTaken_thenItIsRefusedNamingTheUrl() {
        assertThatThrownBy(() -> CamelHttpTransport.origin("/v1/contracts")).hasMessageContaining("/v1/contracts");
        assertThatThrownBy(() -> CamelHttpTransport.origin("https:///v1")).hasMessageContaining("https:///v1");
    }
}
