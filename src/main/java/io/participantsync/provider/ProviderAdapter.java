package io.participantsync.provider;

import io.participantsync.model.ParticipantUpdate;
import io.participantsync.model.Problem;
import io.participantsync.model.ProviderError;
import io.participantsync.sandbox.ProviderSimulator;
import io.participantsync.sandbox.SimulatorContext;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The only code that knows a provider: validates a canonical record, builds the HTTP call, and reads the answer; and
 * everything else the rest of the service asks about the provider (its canonical fields, the participant identity
 * updates are ordered by, its default rate limit, its connection keys and which of them are secrets, its sandbox
 * simulator). Adapters make no network calls; the delivery route sends what they build with camel-http.
 * <p>
 * A provider is one package with its adapter, registered by one line in {@link ProviderRegistry#standard} (or, for a
 * provider outside this code base, the {@code providers.extra} setting).
 */
public interface ProviderAdapter {

    /** Stable provider id, as used in the {@code provider} field and {@code connections.<name>.provider}. */
    String id();

    /**
     * Problems with the record for this provider: missing locator fields, bad email syntax, bad enum values,
     * booleans and integers, fields the provider does not support. Empty when the record can be sent.
     */
    List<Problem> validate(ParticipantUpdate update, Connection connection);

    /**
     * The call that applies the update, or empty when the record changes nothing (outcome {@code unchanged}, no
     * call). Only called on a record that passed {@link #validate}.
     */
    Optional<ProviderRequest> buildRequest(ParticipantUpdate update, Connection connection);

    /** A read made before the update to check a precondition (SigningHub's position guard); empty for most. */
    default Optional<ProviderRequest> guardRequest(ParticipantUpdate update, Connection connection) {
        return Optional.empty();
    }

    /** Reads the guard's 2xx answer: empty when the update may go ahead, else why not (the record is rejected). */
    default Optional<String> checkGuard(ParticipantUpdate update, String responseBody) {
        return Optional.empty();
    }

    /**
     * The read that shows whether {@code update} is in effect at the provider, made when an earlier attempt's answer
     * was lost (timeout, reset): before sending the edit again, and to check a permanent error the retry got. Empty
     * when the provider has no such read (Evia Sign): a reconciled outcome is then unverified.
     */
    default Optional<ProviderRequest> verifyRequest(ParticipantUpdate update, Connection connection) {
        return Optional.empty();
    }

    /**
     * Reads the verify read's 2xx answer: {@code true} only when the participant shows every value the update sets
     * (values the read does not return, such as secrets, are not compared; at least one must be).
     */
    default boolean verify(ParticipantUpdate update, Connection connection, String responseBody) {
        return false;
    }

    /**
     * Whether {@code error}, answered to a retry after an attempt whose answer was lost, may mean that attempt had
     * applied the update (Evia's 404 "Editing isn't allowed for this recipient.", Zoho's 404 INVALID_URL_PATTERN:
     * the recipient no longer has the old email). Only such errors are reconciled; any other stands.
     */
    default boolean mayBeAlreadyApplied(ParticipantUpdate update, ProviderError error) {
        return false;
    }

    /**
     * Client-side limit on this provider's token requests per refresh token, as {@code <count>/<window>} (e.g.
     * {@code 10/10m}: Zoho's documented limit); empty when the provider documents none.
     */
    default Optional<String> tokenRequestLimit() {
        return Optional.empty();
    }

    /** How a status is treated. The default is providers.md's table for every provider. */
    default Disposition classify(int status) {
        return Disposition.of(status);
    }

    /** Reads a provider's error answer (status, body and headers) into the one error shape. */
    ProviderError readError(int status, String body, Map<String, String> headers);

    /**
     * Problems with a connection's settings, each naming the full key (e.g. {@code connections.zigned.client-secret
     * must be set for provider zigned}). Checked at startup.
     */
    List<String> validateConnection(Connection connection);

    /** How the connection authenticates. */
    AuthMethod authMethod(Connection connection);

    /** The provider's production API base, used when {@code base-url} is not set. */
    String defaultBaseUrl(Connection connection);

    // ---- what the rest of the service asks about the provider -------------------------------------------------

    /**
     * The canonical fields this provider knows: its locators, its changes and which of them are sensitive. Fixed per
     * adapter class (not read from settings). A field no other provider knows is a canonical field as soon as the
     * provider is registered: CSV headers and field mappings may name it, and a sensitive one is masked everywhere.
     */
    ProviderFields fields();

    /**
     * The participant {@code update} is for, as the delivery core orders updates: equal keys (on one connection) are
     * applied one at a time, in arrival order. The default is the values of the provider's locators; a provider whose
     * locator moves when an update is applied overrides it (SigningHub keys by package, Evia Sign and Zoho by current
     * email with {@link ParticipantKey#after()} for an email change). Called for records that may not be valid.
     */
    default ParticipantKey participantKey(ParticipantUpdate update) {
        return ParticipantKey.of(update, fields().locators());
    }

    /**
     * The rate limit of a connection that sets no {@code rate-limit}, as {@code <count>/<window>} (e.g.
     * {@code 1000/5m}); empty when the provider documents none.
     */
    default Optional<String> defaultRateLimit() {
        return Optional.empty();
    }

    /**
     * The keys under {@code connections.<name>.} this provider reads beyond the ones every connection has
     * ({@code provider}, {@code base-url}, the delivery limits, {@code token-rate-limit}): credentials, account
     * options. Environment variables are read for these keys (and {@link #secretKeys()}).
     */
    default Set<String> connectionKeys() {
        return Set.of();
    }

    /**
     * The connection keys whose values are secrets (API tokens, client secrets, passwords, refresh tokens): never
     * shown in output, logs, reports or error messages.
     */
    default Set<String> secretKeys() {
        return Set.of();
    }

    /**
     * This provider's simulator in the sandbox (with its sandbox credentials and seed data, in the provider's
     * package), or empty when it has none: {@code --sandbox} then serves no such provider. Called once per sandbox
     * started, with that sandbox's shared context.
     */
    default Optional<ProviderSimulator> simulator(SimulatorContext context) {
        return Optional.empty();
    }
}
