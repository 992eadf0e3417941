package io.participantsync.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.participantsync.provider.Connection;
import io.participantsync.provider.ProviderRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Verifies loading and validating connections from settings, and the rule that picks a record's connection. */
class ConnectionsTest {

    private static final String API_TOKEN = "0123456789abcdefghij0123456789ABCDEFGHIJ";

    private final ProviderRegistry registry = ProviderRegistry.standard(id -> Map.of());

    @Test
    void givenConnectionOnlyInEnvironment_whenLoad_thenFoundWithItsSettings() {
        Settings s = Settings.of(Map.of(), Map.of("CONNECTIONS_OF2_PROVIDER", "oneflow", "CONNECTIONS_OF2_API_TOKEN",
                API_TOKEN, "CONNECTIONS_OF2_USER_EMAIL", "admin@example.com", "UNRELATED", "x"));

        Connections connections = Connections.load(s, registry);

        Connection of2 = connections.find("of2").orElseThrow();
        assertThat(of2.provider()).isEqualTo("oneflow");
        assertThat(of2.settings()).isEqualTo(Map.of("provider", "oneflow", "api-token", API_TOKEN, "user-email",
                "admin@example.com", "base-url", "https://api.oneflow.com/v1"));
        assertThat(connections.all()).containsExactly(of2);
        assertThat(of2.toString()).doesNotContain(API_TOKEN);
    }

    @Test
    void givenFileConnectionWithSecretFromEnvironment_whenLoad_thenMergedAndOwnBaseUrlKept() {
        Settings s = Settings.of(Map.of("connections.zigned.provider", "zigned", "connections.zigned.client-id",
                "client-1", "connections.zigned.base-url", "http://zigned.test/rest/v3/"),
                Map.of("CONNECTIONS_ZIGNED_CLIENT_SECRET", "env-secret"));

        Connection zigned = Connections.load(s, registry).find("zigned").orElseThrow();

        assertThat(zigned.get("client-secret")).isEqualTo("env-secret");
        assertThat(zigned.baseUrl()).isEqualTo("http://zigned.test/rest/v3");
    }

    @Test
    void givenMissingClientSecret_whenLoad_thenErrorNamesTheFullKey() {
        Settings s = Settings.of(Map.of("connections.zigned.provider", "zigned", "connections.zigned.client-id",
                "client-1"), Map.of());

        ConfigurationException e = catchThrowableOfType(() -> Connections.load(s, registry),
                ConfigurationException.class);

        assertThat(e.problems()).hasSize(1);
        assertThat(e.problems().get(0)).contains("connections.zigned.client-secret");
        assertThat(e.getMessage()).contains("connections.zigned.client-secret");
    }

    @Test
    void givenUnreadableTokenRateLimit_whenLoad_thenErrorNamesTheKeyAndTheFormat() {
        Settings s = Settings.of(Map.of("connections.zigned.provider", "zigned", "connections.zigned.client-id",
                "client-1", "connections.zigned.client-secret", "s3cret", "connections.zigned.token-rate-limit",
                "ten a minute"), Map.of());

        ConfigurationException e = catchThrowableOfType(() -> Connections.load(s, registry),
                ConfigurationException.class);

        assertThat(e.problems()).containsExactly(
                "connections.zigned.token-rate-limit 'ten a minute' is not <count>/<window>, e.g. 10/10m");
    }

    @Test
    void givenUnknownProviderAndOtherProblems_whenLoad_thenEveryProblemReportedWithoutSecrets() {
        Settings s = Settings.of(Map.of("connections.ds.provider", "docusign",
                "connections.of.provider", "oneflow", "connections.of.api-token", "short-secret-token",
                "connections.of.user-email", "admin@example.com"), Map.of());

        ConfigurationException e = catchThrowableOfType(() -> Connections.load(s, registry),
                ConfigurationException.class);

        assertThat(e.problems()).containsExactly(
                "connections.ds.provider 'docusign' is not one of oneflow, zigned, signinghub, eviasign, zoho",
                "connections.of.api-token must be 40 characters of letters, digits and '-'");
        assertThat(e.getMessage()).doesNotContain("short-secret-token");
    }

    @Test
    void givenNoConnections_whenLoad_thenEmpty() {
        assertThat(Connections.load(Settings.of(Map.of(), Map.of()), registry).isEmpty()).isTrue();
    }

    @Test
    void givenNamedConnection_whenResolve_thenThatConnection() {
        Connections c = Connections.of(List.of(conn("zigned", "zigned"), conn("zigned-no", "zigned")));

        Connections.Resolution r = c.resolve("zigned", "zigned-no");

        assertThat(r.connection().name()).isEqualTo("zigned-no");
        assertThat(r.error()).isNull();
        // the provider may be left out when the connection is named
        assertThat(c.resolve(null, "zigned-no").connection().name()).isEqualTo("zigned-no");
    }

    @Test
    void givenNamedConnectionOfAnotherProvider_whenResolve_thenErrorNamesBoth() {
        Connections c = Connections.of(List.of(conn("main", "oneflow")));

        Connections.Resolution r = c.resolve("zigned", "main");

        assertThat(r.connection()).isNull();
        assertThat(r.error()).isEqualTo("connection 'main' is a oneflow connection, not zigned");
    }

    @Test
    void givenUnknownConnectionName_whenResolve_thenErrorListsTheConfiguredOnes() {
        Connections c = Connections.of(List.of(conn("a", "oneflow"), conn("b", "zigned")));

        assertThat(c.resolve("zigned", "c").error()).isEqualTo("connection 'c' is not configured (configured: a, b)");
    }

    @Test
    void givenSeveralConnectionsOneNamedLikeTheProvider_whenResolveWithoutName_thenThatOne() {
        Connections c = Connections.of(List.of(conn("zigned-no", "zigned"), conn("zigned", "zigned"),
                conn("oneflow", "oneflow")));

        assertThat(c.resolve("zigned", null).connection().name()).isEqualTo("zigned");
    }

    @Test
    void givenOnlyOneConnectionOfTheProvider_whenResolveWithoutName_thenThatOne() {
        Connections c = Connections.of(List.of(conn("zigned-se", "zigned"), conn("oneflow", "oneflow"),
                // named like the provider but of another: not the zigned default
                conn("eviasign", "zoho")));

        assertThat(c.resolve("zigned", null).connection().name()).isEqualTo("zigned-se");
        assertThat(c.resolve("zoho", null).connection().name()).isEqualTo("eviasign");
    }

    @Test
    void givenSeveralConnectionsNoneNamedLikeTheProvider_whenResolveWithoutName_thenAmbiguityError() {
        Connections c = Connections.of(List.of(conn("zigned-se", "zigned"), conn("zigned-no", "zigned")));

        Connections.Resolution r = c.resolve("zigned", null);

        assertThat(r.connection()).isNull();
        assertThat(r.error()).isEqualTo("provider zigned has several connections (zigned-se, zigned-no) and none is"
                + " named 'zigned': name one in the connection field");
    }

    @Test
    void givenNoConnectionOfTheProvider_whenResolve_thenError() {
        Connections c = Connections.of(List.of(conn("oneflow", "oneflow")));

        assertThat(c.resolve("zigned", null).error()).isEqualTo("no connection is configured for provider zigned");
    }

    private static Connection conn(String name, String provider) {
        return new Connection(name, provider, Map.of("provider", provider));
    }
}
