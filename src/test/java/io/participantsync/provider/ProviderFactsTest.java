package io.participantsync.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.participantsync.config.Connections;
import io.participantsync.config.Settings;
import io.participantsync.delivery.ConnectionLimits;
import io.participantsync.delivery.OrderingKey;
import io.participantsync.model.CanonicalFields;
import io.participantsync.model.ParticipantUpdate;
import io.participantsync.model.Source;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What the five providers declare through their adapters adds up to what the service knew before the facts moved
 * into the provider packages: the same canonical fields, sensitive fields, secret and connection keys, default rate
 * limits and ordering keys.
 */
class ProviderFactsTest {

    private final ProviderRegistry standard = ProviderRegistry.standard(id -> Map.of());

    @Test
    void givenTheFiveProviders_whenFieldsUnited_thenTheCanonicalSetsAsBefore() {
        assertThat(CanonicalFields.LOCATORS).containsAll(List.of("contract_id", "party_id", "participant_id",
                "agreement_id", "package_id", "workflow_order", "request_id", "organization", "current_email",
                "orgname"));
        assertThat(CanonicalFields.CHANGES).containsAll(List.of("name", "email", "phone_number", "title",
                "identification_number", "signatory", "can_update_contract", "delivery_channel", "sign_method",
                "two_step_authentication_method", "role", "disable_identity_enforcement", "signing_order", "locale",
                "email_notification", "otp_required", "otp_access_code", "otp_mobile_number", "otp_type",
                "private_message"));
        assertThat(CanonicalFields.SENSITIVE).contains("identification_number", "otp_access_code");
        assertThat(standard.adapters().stream().flatMap(a -> a.fields().sensitive().stream()).distinct())
                .containsExactlyInAnyOrder("identification_number", "otp_access_code");
        assertThat(CanonicalFields.isKnown("provider")).isTrue();
        assertThat(CanonicalFields.isKnown("no_such_field")).isFalse();
    }

    @Test
    void givenTheFiveProviders_whenSecretsUnited_thenTheSecretKeysAsBefore() {
        assertThat(standard.adapters().stream().flatMap(a -> a.secretKeys().stream()).distinct())
                .containsExactlyInAnyOrder("api-token", "client-secret", "password", "refresh-token", "access-token");
        assertThat(Connection.SECRET_KEYS)
                .contains("api-token", "client-secret", "password", "refresh-token", "access-token");
        assertThat(new Connection("c", "zoho", Map.of("client-secret", "s3cret", "client-id", "id")).toString())
                .contains("client-secret=***").contains("client-id=id").doesNotContain("s3cret");
    }

    @Test
    void givenEachProvider_whenConnectionKeysAsked_thenEveryKeyItReadsAndNoOther() {
        assertThat(Connections.keys(standard.get("oneflow"))).contains("api-token", "user-email", "base-url")
                .doesNotContain("client-id");
        assertThat(Connections.keys(standard.get("zoho"))).contains("data-centre", "refresh-token", "client-secret");
        assertThat(Connections.keys(standard.get("eviasign"))).contains("audit-author-type", "audit-author-ip",
                "audit-device");
        assertThat(Connections.keys(standard.get("signinghub"))).contains("username", "password", "scope",
                "api-version");
        assertThat(standard.adapters().stream().flatMap(a -> Connections.keys(a).stream()).distinct())
                .containsExactlyInAnyOrder("provider", "base-url", "token-url", "api-token", "user-email",
                        "client-id", "client-secret", "username", "password", "scope", "refresh-token", "access-token",
                        "api-version", "data-centre", "audit-author-type", "audit-author-ip", "audit-device",
                        "rate-limit", "max-concurrency", "max-attempts", "retry-budget", "breaker-failures",
                        "breaker-wait", "token-rate-limit");
    }

    @Test
    void givenEachProvider_whenDefaultRateLimitAsked_thenOnlyOneflowHasOne() {
        assertThat(standard.get("oneflow").defaultRateLimit()).contains("1000/5m");
        for (String id : List.of("zigned", "signinghub", "eviasign", "zoho")) {
            assertThat(standard.get(id).defaultRateLimit()).as(id).isEmpty();
        }
        ConnectionLimits.Defaults defaults = ConnectionLimits.Defaults.from(Settings.of(Map.of(), Map.of()));
        assertThat(ConnectionLimits.of(new Connection("o", "oneflow", Map.of()), defaults, Optional.empty())
                .rateLimit()).isNull();
        assertThat(ConnectionLimits.of(new Connection("o", "oneflow", Map.of()), defaults).rateLimit()).isNotNull();
    }

    @Test
    void givenZignedAndAnUnknownProvider_whenKeyed_thenTheirLocatorsMakeTheKey() {
        Connections none = Connections.of(List.of(), standard);
        assertThat(OrderingKey.of(update("zigned", Map.of("agreement_id", "a1", "participant_id", "p1",
                "name", "N")), none)).isEqualTo(new OrderingKey("zigned||a1|p1|", null));
        // no adapter: every known locator, by name
        OrderingKey unknown = OrderingKey.of(update("nope", Map.of("contract_id", "1")), none);
        assertThat(unknown.key()).startsWith("nope||").contains("|1|");
        assertThat(unknown.after()).isNull();
    }

    @Test
    void givenTwoAdaptersWithOneId_whenRegistered_thenRefused() {
        assertThatThrownBy(() -> new ProviderRegistry(List.of(standard.get("zoho"), standard.get("zoho"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'zoho' is registered twice");
    }

    @Test
    void givenBadExtraClasses_whenConfigured_thenEachProblemNamed() {
        assertThatThrownBy(() -> ProviderRegistry.configured(id -> Map.of(), "com.example.NoSuchAdapter"))
                .hasMessageContaining("class 'com.example.NoSuchAdapter' is not on the classpath");
        assertThatThrownBy(() -> ProviderRegistry.configured(id -> Map.of(), "java.lang.String"))
                .hasMessageContaining("does not implement io.participantsync.provider.ProviderAdapter");
        assertThatThrownBy(() -> ProviderRegistry.configured(id -> Map.of(),
                "io.participantsync.provider.zoho.ZohoAdapter"))
                .hasMessageContaining("no public constructor");
        assertThat(ProviderRegistry.configured(id -> Map.of(), " , ").ids())
                .containsExactly("oneflow", "zigned", "signinghub", "eviasign", "zoho");
    }

    private static ParticipantUpdate update(String provider, Map<String, String> fields) {
        return ParticipantUpdate.of(provider, null, new LinkedHashMap<>(fields), Source.of("test", "t", 1));
    }
}
