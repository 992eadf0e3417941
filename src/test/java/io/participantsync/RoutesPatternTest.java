package io.participantsync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.participantsync.config.ConfigurationException;
import io.participantsync.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where {@code run} loads its YAML edges from: routes.include-pattern, routes.dir, ./routes, else the jar. */
class RoutesPatternTest {

    @TempDir
    Path dir;

    private static String pattern(Map<String, String> props) {
        return ParticipantSync.routesPattern(Settings.of(props, Map.of()));
    }

    @Test
    void givenRoutesDir_thenItsYamlFiles() throws Exception {
        Path routes = Files.createDirectories(dir.resolve("my-routes"));
        assertThat(pattern(Map.of("routes.dir", routes.toString()))).isEqualTo("file:" + routes + "/*.camel.yaml");
    }

    @Test
    void givenIncludePattern_thenItWins() {
        assertThat(pattern(Map.of("routes.include-pattern", "classpath:x/*.yaml", "routes.dir", dir.toString())))
                .isEqualTo("classpath:x/*.yaml");
    }

    @Test
    void givenMissingRoutesDir_thenConfigurationErrorNamingTheKey() {
        assertThatThrownBy(() -> pattern(Map.of("routes.dir", dir.resolve("nope").toString())))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("routes.dir");
    }

    @Test
    void givenNothingSetAndRoutesFolderHere_thenThatFolder() {
        // the tests run in the repository root, where routes/ is
        assertThat(pattern(Map.of())).isEqualTo("file:routes/*.camel.yaml");
    }

    @Test
    void givenDefaultEdges_thenShippedInsideTheJar() {
        for (String edge : new String[] {"intake-csv", "intake-http", "intake-jms", "intake-kafka", "intake-schedule",
            "api-sync-jobs", "api-console"}) {
            assertThat(ParticipantSync.class.getResource("/routes/" + edge + ".camel.yaml")).as(edge).isNotNull();
        }
    }
}
