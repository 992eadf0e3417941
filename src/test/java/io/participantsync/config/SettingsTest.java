package io.participantsync.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Verifies the configuration layers (defaults, --config file, environment, overrides) and connection discovery. */
class SettingsTest {

    @TempDir
    Path tmp;

    @Test
    void givenEveryLayer_whenGet_thenDefaultsLoseToFileLoseToEnvLoseToOverride() throws IOException {
        Path config = write("csv.inbox = file-inbox\ncsv.archive = file-archive\ncsv.failed = file-failed\n");
        Settings s = Settings.load(config, Map.of("CSV_ARCHIVE", "env-archive", "CSV_FAILED", "env-failed"));
        s.override("csv.failed", "override-failed");

        assertThat(s.get("csv.poll-delay-ms")).isEqualTo("1000");
        assertThat(s.get("csv.inbox")).isEqualTo("file-inbox");
        assertThat(s.get("csv.archive")).isEqualTo("env-archive");
        assertThat(s.get("csv.failed")).isEqualTo("override-failed");
        assertThat(s.get("no.such.key")).isNull();
        assertThat(s.get("no.such.key", "fallback")).isEqualTo("fallback");
    }

    @Test
    void givenNoConfigFile_whenLoad_thenBuiltInDefaultsAndEnvironment() {
        Settings s = Settings.load(null, Map.of("DELIVERY_MAX_ATTEMPTS", "7"));

        assertThat(s.get("csv.inbox")).isEqualTo("inbox");
        assertThat(s.getInt("delivery.max-attempts", 1)).isEqualTo(7);
        assertThat(s.getDouble("delivery.backoff-multiplier", 0)).isEqualTo(2.0);
        assertThat(s.getLong("delivery.max-backoff-ms", 0)).isEqualTo(30_000L);
    }

    @Test
    void givenKeys_whenEnvName_thenUpperCasedWithDotsAndHyphensAsUnderscores() {
        assertThat(Settings.envName("connections.zoho.client-secret")).isEqualTo("CONNECTIONS_ZOHO_CLIENT_SECRET");
        assertThat(Settings.envName("csv.read-lock-min-age-ms")).isEqualTo("CSV_READ_LOCK_MIN_AGE_MS");
    }

    @Test
    void givenMissingConfigFile_whenLoad_thenConfigurationErrorNamingTheFile() {
        Path missing = tmp.resolve("nope.properties");

        ConfigurationException e = catchThrowableOfType(() -> Settings.load(missing, Map.of()),
                ConfigurationException.class);

        assertThat(e.problems()).containsExactly("--config " + missing + ": file not found or not readable");
    }

    @Test
    void givenNonNumber_whenGetInt_thenConfigurationErrorNamingTheKey() {
        Settings s = Settings.of(Map.of("delivery.max-attempts", "four"), Map.of());

        ConfigurationException e = catchThrowableOfType(() -> s.getInt("delivery.max-attempts", 4),
                ConfigurationException.class);

        assertThat(e.problems()).containsExactly("delivery.max-attempts must be an integer, was 'four'");
    }

    @Test
    void givenConnectionsInFileEnvAndOverrides_whenConnectionNames_thenAllFoundWithEnvNamesLowerCased() {
        Settings s = Settings.of(Map.of("connections.zigned.provider", "zigned", "connections.blank.provider", " ",
                "connections.zigned.client-id", "x"), Map.of("CONNECTIONS_OF2_PROVIDER", "oneflow",
                "CONNECTIONS_ZOHO_EU_PROVIDER", "zoho", "CONNECTIONS_OF2_API_TOKEN", "t"));
        s.override("connections.sandbox-sh.provider", "signinghub");

        assertThat(s.connectionNames()).containsExactly("of2", "sandbox-sh", "zigned", "zoho-eu");
    }

    @Test
    void givenBlankProviderVariable_whenConnectionNames_thenNotDeclaredAsInTheFile() {
        // compose files often pass "VAR=${UNSET}", which arrives blank
        Settings s = Settings.of(Map.of(), Map.of("CONNECTIONS_OF2_PROVIDER", "  ", "CONNECTIONS_OF3_PROVIDER",
                "oneflow"));

        assertThat(s.connectionNames()).containsExactly("of3");
    }

    @Test
    void givenConnectionKeysInEveryLayer_whenWithPrefix_thenEffectiveValuesWithoutPrefix() {
        Settings s = Settings.of(Map.of("connections.zigned.provider", "zigned", "connections.zigned.client-id",
                "file-id", "connections.zigned.client-secret", "file-secret", "connections.zigned2.client-id", "no"),
                Map.of("CONNECTIONS_ZIGNED_CLIENT_SECRET", "env-secret", "CONNECTIONS_ZIGNED_TOKEN_URL",
                        "http://auth.test/token"));
        s.override("connections.zigned.base-url", "http://sandbox.test/rest/v3");

        Map<String, String> values = s.withPrefix("connections.zigned.", Set.of("provider", "client-id",
                "client-secret", "token-url", "base-url", "scope"));

        assertThat(values).isEqualTo(Map.of("provider", "zigned", "client-id", "file-id", "client-secret",
                "env-secret", "token-url", "http://auth.test/token", "base-url", "http://sandbox.test/rest/v3"));
    }

    @Test
    void givenLayers_whenAsProperties_thenEffectiveValuesOfFileAndOverrideKeys() {
        Settings s = Settings.of(Map.of("csv.inbox", "file-inbox", "csv.archive", "a"), Map.of("CSV_INBOX", "env"));
        s.overrideAll(Map.of("csv.archive", "b", "extra.key", "c"));

        assertThat(s.asProperties()).isEqualTo(Map.of("csv.inbox", "env", "csv.archive", "b", "extra.key", "c"));
    }

    private Path write(String content) throws IOException {
        return Files.writeString(tmp.resolve("app.properties"), content);
    }
}
