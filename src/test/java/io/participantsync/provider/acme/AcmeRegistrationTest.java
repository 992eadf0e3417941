package io.participantsync.provider.acme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.participantsync.ParticipantSync;
import io.participantsync.config.ConfigurationException;
import io.participantsync.config.Connections;
import io.participantsync.config.Settings;
import io.participantsync.deadletter.Redaction;
import io.participantsync.delivery.ConnectionLimits;
import io.participantsync.delivery.OrderingKey;
import io.participantsync.intake.CsvOptions;
import io.participantsync.model.CanonicalFields;
import io.participantsync.model.ParticipantUpdate;
import io.participantsync.model.Source;
import io.participantsync.provider.Connection;
import io.participantsync.provider.ProviderRegistry;
import io.participantsync.queue.KafkaKeys;
import io.participantsync.queue.UnparseableMessages;
import io.participantsync.sync.SyncState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fake sixth provider, registered through {@code providers.extra} only, reaches every place that asks about
 * providers: the registry, connections (its own secret key, read from the environment), its default rate limit, the
 * ordering key, the canonical and sensitive fields (CSV field mapping, masking in every output), change-detection and
 * Kafka keys.
 */
class AcmeRegistrationTest {

    private static final String EXTRA = AcmeAdapter.class.getName();

    @TempDir
    Path dir;

    private static Settings settings(Map<String, String> env) {
        return Settings.of(Map.of("providers.extra", EXTRA, "providers.acme.roles", "member, captain",
                "connections.acme.provider", "acme"), env);
    }

    private static ParticipantUpdate update(Map<String, String> fields) {
        return ParticipantUpdate.of("acme", null, new LinkedHashMap<>(fields), Source.of("test", "t", 1));
    }

    @Test
    void givenProvidersExtra_whenRegistryBuilt_thenAcmeIsTheSixthProviderWithItsSettings() {
        ProviderRegistry providers = ParticipantSync.providers(settings(Map.of()));

        assertThat(providers.ids()).containsExactly("oneflow", "zigned", "signinghub", "eviasign", "zoho", "acme");
        AcmeAdapter acme = (AcmeAdapter) providers.get("acme");
        Connection c = new Connection("acme", "acme", Map.of("api-key", "k"));
        assertThat(acme.validate(update(Map.of(AcmeAdapter.TEAM, "t", AcmeAdapter.MEMBER, "m", "role", "captain")),
                c)).isEmpty();
        assertThat(acme.validate(update(Map.of(AcmeAdapter.TEAM, "t", AcmeAdapter.MEMBER, "m", "role", "guest")), c))
                .singleElement().hasToString("role: 'guest' is not one of member, captain");
        // without the setting, the five only
        assertThat(ParticipantSync.providers(Settings.of(Map.of(), Map.of())).ids()).doesNotContain("acme");
        assertThatThrownBy(() -> ParticipantSync.providers(Settings.of(Map.of("providers.extra", "no.Such"),
                Map.of()))).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("providers.extra: class 'no.Such' is not on the classpath");
    }

    @Test
    void givenAcmeConnection_whenLoaded_thenItsSecretKeyIsReadFromTheEnvironmentAndNeverShown() {
        Settings settings = settings(Map.of("CONNECTIONS_ACME_API_KEY", "acme-secret-4711"));
        ProviderRegistry providers = ParticipantSync.providers(settings);

        Connections connections = Connections.load(settings, providers);

        Connection acme = connections.find("acme").orElseThrow();
        assertThat(acme.get("api-key")).isEqualTo("acme-secret-4711");
        assertThat(acme.toString()).doesNotContain("acme-secret-4711").contains("api-key=***");
        assertThat(Connection.SECRET_KEYS).contains("api-key");
        assertThatThrownBy(() -> Connections.load(settings(Map.of()), providers))
                .hasMessageContaining("connections.acme.api-key must be set for provider acme");
        // its default rate limit, from the adapter
        ConnectionLimits limits = ConnectionLimits.load(connections, ConnectionLimits.Defaults.from(settings))
                .get("acme");
        assertThat(limits.rateLimit().requests()).isEqualTo(50);
        assertThat(limits.rateLimit().window()).isEqualTo(Duration.ofSeconds(1));
        // its ordering key: by team, so members of one team keep their order
        assertThat(OrderingKey.of(update(Map.of(AcmeAdapter.TEAM, "t1", AcmeAdapter.MEMBER, "m2")), connections))
                .isEqualTo(new OrderingKey("acme|acme|t1|", null));
    }

    @Test
    void givenAcmeRegistered_whenItsFieldsAreUsed_thenCanonicalAndTheBadgeMaskedEverywhere() throws Exception {
        ParticipantSync.providers(settings(Map.of()));
        ParticipantUpdate u = update(Map.of(AcmeAdapter.TEAM, "t1", AcmeAdapter.MEMBER, "m1",
                AcmeAdapter.BADGE, "BADGE-0042", "name", "Ada"));

        assertThat(CanonicalFields.LOCATORS).contains(AcmeAdapter.TEAM, AcmeAdapter.MEMBER);
        assertThat(CanonicalFields.isKnown(AcmeAdapter.BADGE)).isTrue();
        assertThat(CanonicalFields.isSensitive(AcmeAdapter.BADGE)).isTrue();
        // a CSV header may be mapped to it
        assertThat(CsvOptions.parse(null, "Badge=acme_badge", "csv").canonicalName("Badge")).isEqualTo("acme_badge");
        // never shown
        assertThat(u.toString()).doesNotContain("BADGE-0042");
        assertThat(Redaction.redact("refused badge BADGE-0042", u)).isEqualTo("refused badge ***");
        Path letter = new UnparseableMessages(dir, Clock.systemUTC()).write("jms", "m-1", Instant.now(),
                "{\"acme_badge\": \"BADGE-0042\", broken", "not JSON", Map.of());
        assertThat(Files.readString(letter)).doesNotContain("BADGE-0042");
        // its locators name the participant in change detection and Kafka keys
        assertThat(SyncState.locatorKey(u)).isEqualTo("acme_member=m1|acme_team=t1");
        assertThat(KafkaKeys.of(u)).isEqualTo("acme|acme_member=m1|acme_team=t1");
    }
}
