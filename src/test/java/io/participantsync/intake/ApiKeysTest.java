package io.participantsync.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** API key checks: Bearer keys, the loopback-only rule without keys, and no key in any message. */
class ApiKeysTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private static InetAddress remote() throws Exception {
        return InetAddress.getByAddress(new byte[] {10, 1, 2, 3});
    }

    @Test
    void givenConfiguredKeys_whenEachIsPresented_thenAccepted() throws Exception {
        ApiKeys keys = ApiKeys.parse(" alpha-key , ,beta-key");

        assertThatCode(() -> keys.check("Bearer alpha-key", remote())).doesNotThrowAnyException();
        assertThatCode(() -> keys.check("bearer   beta-key ", remote())).doesNotThrowAnyException();
        assertThat(keys.matches("gamma")).isFalse();
        assertThat(keys.matches("alpha-ke")).isFalse();
    }

    @Test
    void givenConfiguredKeys_whenNoHeaderEvenFromLoopback_then401WithBearerChallenge() {
        ApiKeys keys = ApiKeys.parse("alpha-key");

        ApiProblem p = catchThrowableOfType(ApiProblem.class, () -> keys.check(null, LOOPBACK));

        assertThat(p.status()).isEqualTo(401);
        assertThat(p.headers().get("WWW-Authenticate")).startsWith("Bearer");
    }

    @Test
    void givenConfiguredKeys_whenWrongKeyOrScheme_then401WithoutQuotingIt() throws Exception {
        ApiKeys keys = ApiKeys.parse("alpha-key");

        ApiProblem wrong = catchThrowableOfType(ApiProblem.class, () -> keys.check("Bearer alpha-kez", remote()));
        ApiProblem basic = catchThrowableOfType(ApiProblem.class, () -> keys.check("Basic YWxwaGEta2V5", remote()));

        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.detail()).doesNotContain("alpha");
        assertThat(wrong.headers().get("WWW-Authenticate")).contains("invalid_token");
        assertThat(basic.status()).isEqualTo(401);
        assertThat(basic.detail()).contains("Bearer").doesNotContain("YWxwaGEta2V5");
    }

    @Test
    void givenNoKeys_whenLoopbackClient_thenAcceptedWithoutHeader() {
        ApiKeys keys = ApiKeys.parse("  ");

        assertThat(keys.isEmpty()).isTrue();
        assertThatCode(() -> keys.check(null, LOOPBACK)).doesNotThrowAnyException();
    }

    @Test
    void givenNoKeys_whenRemoteOrUnknownClient_then403() throws Exception {
        ApiKeys keys = ApiKeys.parse(null);
        InetAddress remote = remote();

        ApiProblem fromRemote = catchThrowableOfType(ApiProblem.class, () -> keys.check("Bearer x", remote));
        ApiProblem unknown = catchThrowableOfType(ApiProblem.class, () -> keys.check(null, null));

        assertThat(fromRemote.status()).isEqualTo(403);
        assertThat(fromRemote.detail()).contains("loopback");
        assertThat(unknown.status()).isEqualTo(403);
    }

    @Test
    void givenKeys_whenPrinted_thenNoKeyInToString() {
        assertThat(ApiKeys.parse("alpha-key,beta-key")).hasToString("ApiKeys[2 configured]");
    }

    @Test
    void givenQueryString_whenParameterRead_thenDecodedValueOrNull() {
        assertThat(HttpIntake.queryParameter("a=1&wait=%2030", "wait")).isEqualTo(" 30");
        assertThat(HttpIntake.queryParameter("wait", "wait")).isEmpty();
        assertThat(HttpIntake.queryParameter("waiting=3", "wait")).isNull();
        assertThat(HttpIntake.queryParameter(null, "wait")).isNull();
    }

    @Test
    void givenTwoKeys_whenChecked_thenEachHasItsOwnStableScopeThatDoesNotContainTheKey() throws Exception {
        ApiKeys keys = ApiKeys.parse("alpha-key,beta-key");
        ApiKeys sameOnAnotherInstance = ApiKeys.parse("beta-key, alpha-key");

        String alpha = keys.check("Bearer alpha-key", remote());
        String beta = keys.check("Bearer beta-key", remote());

        assertThat(alpha).matches("key-[0-9a-f]{16}").isNotEqualTo(beta).doesNotContain("alpha");
        assertThat(beta).matches("key-[0-9a-f]{16}");
        assertThat(sameOnAnotherInstance.check("Bearer alpha-key", remote())).isEqualTo(alpha);
    }

    @Test
    void givenNoKeys_whenLoopbackChecked_thenOneSharedScope() {
        ApiKeys none = ApiKeys.parse("");

        assertThat(none.check(null, LOOPBACK)).isEqualTo(ApiKeys.LOOPBACK_SCOPE);
        assertThat(none.check("Bearer whatever", LOOPBACK)).isEqualTo(ApiKeys.LOOPBACK_SCOPE);
    }
}
