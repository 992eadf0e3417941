package io.participantsync.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The origin that names a camel-http endpoint: one per scheme, host and port, whatever the path. */
class CamelHttpTransportTest {

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
