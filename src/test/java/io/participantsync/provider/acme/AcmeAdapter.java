package io.participantsync.provider.acme;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.participantsync.model.CanonicalFields;
import io.participantsync.model.ParticipantUpdate;
import io.participantsync.model.Problem;
import io.participantsync.model.ProviderError;
import io.participantsync.provider.AdapterSupport;
import io.participantsync.provider.AuthMethod;
import io.participantsync.provider.Connection;
import io.participantsync.provider.ParticipantKey;
import io.participantsync.provider.ProviderAdapter;
import io.participantsync.provider.ProviderFields;
import io.participantsync.provider.ProviderRequest;
import io.participantsync.provider.Validation;
import io.participantsync.sandbox.ProviderSimulator;
import io.participantsync.sandbox.SimulatorContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * A fake sixth provider, for tests only: "Acme Teams" updates a team member with
 * {@code PUT /teams/{acme_team}/members/{acme_member}} (JSON {@code displayName}, {@code email}, {@code badge},
 * {@code role}), authenticated by an {@code X-Acme-Key} header. It brings two locators and a sensitive field no
 * standard provider knows ({@code acme_team}, {@code acme_member}, {@code acme_badge}), reads a provider-wide setting
 * ({@code providers.acme.roles}), keys participants by team (a team's emails are unique, so its updates keep their
 * order), has a default rate limit and a secret connection key, and brings its simulator ({@link AcmeSimulator}).
 * Registered only where a test names it in {@code providers.extra}.
 */
public final class AcmeAdapter implements ProviderAdapter {

    public static final String ID = "acme";
    public static final String TEAM = "acme_team";
    public static final String MEMBER = "acme_member";
    public static final String BADGE = "acme_badge";
    public static final String KEY_HEADER = "X-Acme-Key";
    public static final List<String> DEFAULT_ROLES = List.of("member", "guest");

    static final ProviderFields FIELDS = ProviderFields.of(List.of(TEAM, MEMBER),
            List.of(CanonicalFields.NAME, CanonicalFields.EMAIL, BADGE, CanonicalFields.ROLE), List.of(BADGE));

    private final List<String> roles;

    /** @param providerSettings each provider's {@code providers.<id>.*} settings: Acme reads {@code roles} */
    public AcmeAdapter(Function<String, Map<String, String>> providerSettings) {
        String configured = providerSettings.apply(ID).get("roles");
        this.roles = configured == null ? DEFAULT_ROLES
                : Arrays.stream(configured.split(",")).map(String::strip).filter(r -> !r.isEmpty()).toList();
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public ProviderFields fields() {
        return FIELDS;
    }

    /** A team's members are updated in order: an email moving between two of them must not race. */
    @Override
    public ParticipantKey participantKey(ParticipantUpdate update) {
        return ParticipantKey.of(update, TEAM);
    }

    @Override
    public Optional<String> defaultRateLimit() {
        return Optional.of("50/1s");
    }

    @Override
    public Set<String> connectionKeys() {
        return Set.of("api-key");
    }

    @Override
    public Set<String> secretKeys() {
        return Set.of("api-key");
    }

    @Override
    public List<Problem> validate(ParticipantUpdate update, Connection connection) {
        return Validation.of(update, ID)
                .onlySupported(FIELDS.all())
                .require(TEAM, MEMBER)
                .email(CanonicalFields.EMAIL)
                .oneOf(CanonicalFields.ROLE, roles)
                .problems();
    }

    @Override
    public Optional<ProviderRequest> buildRequest(ParticipantUpdate update, Connection connection) {
        if (FIELDS.changes().stream().noneMatch(update::has)) {
            return Optional.empty();
        }
        ObjectNode body = AdapterSupport.newObject();
        AdapterSupport.putText(body, update, CanonicalFields.NAME, "displayName");
        AdapterSupport.putText(body, update, CanonicalFields.EMAIL, "email");
        AdapterSupport.putText(body, update, BADGE, "badge");
        AdapterSupport.putEnum(body, update, CanonicalFields.ROLE, "role", roles);
        return Optional.of(new ProviderRequest("PUT", AdapterSupport.path("teams", update.get(TEAM), "members",
                update.get(MEMBER)), null, ProviderRequest.JSON_HEADERS, AdapterSupport.toJson(body)));
    }

    /** Reads {@code {"error": {"code": .., "message": ..}}}. */
    @Override
    public ProviderError readError(int status, String body, Map<String, String> headers) {
        JsonNode error = AdapterSupport.readJson(body).map(j -> j.path("error")).orElse(null);
        if (error != null && error.isObject()) {
            String message = AdapterSupport.text(error, "message");
            return new ProviderError(status, AdapterSupport.text(error, "code"),
                    AdapterSupport.cap(message == null ? AdapterSupport.reasonPhrase(status) : message));
        }
        return new ProviderError(status, null, AdapterSupport.titleOrText(status, body));
    }

    @Override
    public List<String> validateConnection(Connection connection) {
        List<String> problems = new ArrayList<>();
        AdapterSupport.requireKeys(connection, ID, problems, "api-key");
        AdapterSupport.checkHttpUrl(connection, "base-url", problems);
        return problems;
    }

    @Override
    public AuthMethod authMethod(Connection connection) {
        return new AuthMethod.StaticHeaders(Map.of(KEY_HEADER, connection.get("api-key", "")));
    }

    @Override
    public String defaultBaseUrl(Connection connection) {
        return AdapterSupport.baseUrlOr(connection, "https://api.acme-teams.example/v1");
    }

    @Override
    public Optional<ProviderSimulator> simulator(SimulatorContext context) {
        return Optional.of(new AcmeSimulator(context));
    }
}
