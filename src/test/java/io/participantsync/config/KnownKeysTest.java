package io.participantsync.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.participantsync.provider.ProviderRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Misspelt keys under the project's prefixes are errors with the nearest known key as a suggestion. */
class KnownKeysTest {

    private final ProviderRegistry registry = ProviderRegistry.standard(id -> Map.of());

    private List<String> problems(String... keyValues) {
        Map<String, String> props = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put(keyValues[i], keyValues[i + 1]);
        }
        return KnownKeys.problems(Settings.of(props, Map.of()), registry, List.of());
    }

    @Test
    void givenMisspeltConnectionKey_thenProblemSuggestsTheKey() {
        assertThat(problems("connections.zig.provider", "zigned", "connections.zig.client-id", "id",
                "connections.zig.rate-limt", "10/1s")).containsExactly(
                "connections.zig.rate-limt is not a known key: did you mean connections.zig.rate-limit?");
    }

    @Test
    void givenMisspeltPrefix_thenProblemSuggestsTheKeyUnderTheRightPrefix() {
        assertThat(problems("conections.zig.provider", "zigned")).containsExactly(
                "conections.zig.provider is not a known key: did you mean connections.zig.provider?");
    }

    @Test
    void givenMisspeltTopLevelKey_thenProblemSuggestsIt() {
        assertThat(problems("delivery.max-atempts", "3")).containsExactly(
                "delivery.max-atempts is not a known key: did you mean delivery.max-attempts?");
    }

    @Test
    void givenKnownKeysCamelKeysOwnKeysAndCsvEdgeCopies_thenNoProblem() {
        assertThat(problems("connections.zig.provider", "Zigned", "connections.zig.client-secret", "s",
                "connections.zig.token-url", "http://x", "delivery.max-attempts", "3", "camel.server.port", "1",
                "camel.whatever.key", "x", "myapp.custom", "x", "csv.sales.field-mapping", "a=b",
                "providers.oneflow.sign-methods", "x", "sync-jobs.crm.cron", "x", "sandbox.latency-ms", "5",
                "state.jdbc-url", "jdbc:h2:mem:x", "jms.password", "x")).isEmpty();
    }

    @Test
    void givenKeyOfAnotherProvidersConnection_thenProblem() {
        // api-token belongs to Oneflow connections, not Zigned ones
        assertThat(problems("connections.zig.provider", "zigned", "connections.zig.api-token", "t"))
                .singleElement().asString().startsWith("connections.zig.api-token is not a known key");
    }

    @Test
    void givenProviderInAnyCase_whenLoadConnections_thenItsProvider() {
        Settings s = Settings.of(Map.of("connections.zig.provider", "Zigned", "connections.zig.client-id", "id",
                "connections.zig.client-secret", "secret"), Map.of());

        assertThat(Connections.load(s, registry).find("zig").orElseThrow().provider()).isEqualTo("zigned");
    }
}
