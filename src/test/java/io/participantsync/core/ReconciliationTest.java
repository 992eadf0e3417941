package io.participantsync.core;

import static io.participantsync.support.FakeHttpTransport.fail;
import static io.participantsync.support.FakeHttpTransport.numberedTokens;
import static io.participantsync.support.FakeHttpTransport.respond;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.participantsync.auth.TokenService;
import io.participantsync.model.DeliveryException;
import io.participantsync.model.ParticipantUpdate;
import io.participantsync.model.ProviderError;
import io.participantsync.model.Source;
import io.participantsync.provider.Connection;
import io.participantsync.provider.ProviderAdapter;
import io.participantsync.provider.ProviderRegistry;
import io.participantsync.support.FakeHttpTransport;
import io.participantsync.support.MutableClock;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Verifies a Delivery's reconciliation after a lost answer, per provider, with a fake transport. */
class ReconciliationTest {

    private static final String EVIA_BASE = "http://evia.test/_apis/sign";
    private static final String REQUEST = "3f2c9a4e-6b1d-4c8e-9f3a-2b7d5e1a0c11";
    private static final String EVIA_EDIT = EVIA_BASE + "/api/v2/Requests/" + REQUEST + "/editrecipient";
    private static final String ZOHO_BASE = "http://zoho.test/zoho/com";
    private static final String ZOHO_PUT = ZOHO_BASE
            + "/api/v1/counterparties/Org/counterpartyusers/old%40example.com/";
    private static final String ZOHO_LIST = ZOHO_BASE + "/api/v1/counterparties/Org/counterpartyusers?status=all";
    private static final String SH_BASE = "http://signinghub.test";
    private static final String ONEFLOW_BASE = "http://oneflow.test/v1";

    private final ProviderRegistry registry = ProviderRegistry.standard(id -> Map.of());
    private final FakeHttpTransport http = new FakeHttpTransport();
    private final DeliveryDriver caller = new DeliveryDriver(http, new TokenService(http,
            new MutableClock(Instant.parse("2024-05-06T10:00:00Z")), Duration.ofSeconds(60)));
    private final Connection evia = new Connection("eviasign", "eviasign", Map.of("base-url", EVIA_BASE,
            "token-url", "http://evia.test/token", "client-id", "c", "client-secret", "evia-secret",
            "refresh-token", "evia-refresh"));
    private final Connection zoho = new Connection("zoho", "zoho", Map.of("base-url", ZOHO_BASE, "token-url",
            "http://zoho.test/token", "client-id", "c", "client-secret", "zoho-secret", "refresh-token",
            "zoho-refresh"));
    private final Connection signinghub = new Connection("signinghub", "signinghub", Map.of("base-url", SH_BASE,
            "token-url", SH_BASE + "/authenticate", "client-id", "c", "client-secret", "sh-secret"));
    private final Connection oneflow = new Connection("oneflow", "oneflow", Map.of("base-url", ONEFLOW_BASE,
            "api-token", "a".repeat(40), "user-email", "admin@example.com"));

    private static final String NOT_EDITABLE = "Editing isn't allowed for this recipient.";
    private static final String SAME_EMAIL = "The updated email cannot be the same as the existing one.";
    private static final String ZOHO_404 =
            "{\"Errors\":{\"ErrorCode\":\"INVALID_URL_PATTERN\",\"Message\":\"No contact\"}}";

    private static String zohoList(String email, String name) {
        return "{\"counterpartyusers\":[{\"emailId\":\"other@example.com\",\"displayName\":\"Other\"},"
                + "{\"emailId\":\"" + email + "\",\"displayName\":\"" + name + "\"}]}";
    }

    // Evia Sign: no read, so a refusal that means "already applied" gives an unverified update

    @Test
    void givenEviaAnswerLostThen404NotEditable_whenDeliver_thenUpdatedUnverified() {
        http.on("POST", "http://evia.test/token", numberedTokens("ev-", 3600))
                .on("POST", EVIA_EDIT, respond(404, NOT_EDITABLE));

        DeliveryDriver.Delivered d = caller.deliver(eviaPlan(Map.of("email", "new@example.com")), true);

        assertThat(d.response()).isNull();
        assertThat(d.reconciliation().verified()).isFalse();
        assertThat(d.reconciliation().message()).contains("HTTP 404").contains(NOT_EDITABLE).contains("unverified")
                .contains("eviasign has no read");
        assertThat(http.calls("POST", EVIA_EDIT)).hasSize(1);
    }

    @Test
    void givenEvia404WithoutALostAnswer_whenDeliver_thenRejected() {
        http.on("POST", "http://evia.test/token", numberedTokens("ev-", 3600))
                .on("POST", EVIA_EDIT, respond(404, NOT_EDITABLE));

        DeliveryException e = catchThrowableOfType(() -> caller.deliver(eviaPlan(Map.of("email",
                "new@example.com")), false), DeliveryException.class);

        assertThat(e.transientError()).isFalse();
        assertThat(e.error().status()).isEqualTo(404);
        assertThat(e.error().message()).isEqualTo(NOT_EDITABLE);
    }

    @Test
    void givenEviaAnswerLostThenSameEmailAndTheRecordChangesTheEmail_whenDeliver_thenUpdatedUnverified() {
        http.on("POST", "http://evia.test/token", numberedTokens("ev-", 3600))
                .on("POST", EVIA_EDIT, respond(400, SAME_EMAIL));

        DeliveryDriver.Delivered d = caller.deliver(eviaPlan(Map.of("email", "new@example.com", "name", "N")),
                true);

        assertThat(d.reconciliation().verified()).isFalse();
        assertThat(d.reconciliation().message()).contains(SAME_EMAIL);
    }

    @Test
    void givenEviaAnswerLostThenSameEmailButTheRecordKeepsTheEmail_whenDeliver_thenRejected() {
        http.on("POST", "http://evia.test/token", numberedTokens("ev-", 3600))
                .on("POST", EVIA_EDIT, respond(400, SAME_EMAIL));

        DeliveryException e = catchThrowableOfType(() -> caller.deliver(eviaPlan(Map.of("name", "N")), true),
                DeliveryException.class);

        assertThat(e.error().status()).isEqualTo(400);
        assertThat(e.transientError()).isFalse();
    }

    @Test
    void givenEviaAnswerLostThenAnotherPermanentError_whenDeliver_thenThatErrorStands() {
        http.on("POST", "http://evia.test/token", numberedTokens("ev-", 3600))
                .on("POST", EVIA_EDIT, respond(400, "Action denied. The user has already completed the request."));

        DeliveryException e = catchThrowableOfType(() -> caller.deliver(eviaPlan(Map.of("email",
                "new@example.com")), true), DeliveryException.class);

        assertThat(e.error().message()).contains("already completed");
    }

    // Zoho: verified with the counterparty users read

    @Test
    void givenZohoAnswerLostAndTheReadShowsTheUpdate_whenDeliver_thenVerifiedAndNoSecondEdit() {
        http.on("POST", "http://zoho.test/token", numberedTokens("zo-", 3600))
                .on("GET", ZOHO_LIST, respond(200, zohoList("new@example.com", "New Name")));

        DeliveryDriver.Delivered d = caller.deliver(zohoPlan(), true);

        assertThat(d.reconciliation().verified()).isTrue();
        assertThat(d.reconciliation().message()).contains("not sent again");
        assertThat(http.calls("PUT", ZOHO_BASE)).isEmpty();
        assertThat(http.calls("GET", ZOHO_LIST).get(0).headers()).containsEntry("Authorization",
                "Zoho-oauthtoken zo-1");
    }

    @Test
    void givenZohoAnswerLostThen404AndTheSecondReadShowsTheUpdate_whenDeliver_thenVerified() {
        http.on("POST", "http://zoho.test/token", numberedTokens("zo-", 3600))
                .on("GET", ZOHO_LIST, respond(200, zohoList("old@example.com", "Old Name")),
                        respond(200, zohoList("new@example.com", "New Name")))
                .on("PUT", ZOHO_PUT, respond(404, ZOHO_404));

        DeliveryDriver.Delivered d = caller.deliver(zohoPlan(), true);

        assertThat(d.reconciliation().verified()).isTrue();
        assertThat(d.reconciliation().message()).contains("INVALID_URL_PATTERN").contains("read shows");
        assertThat(http.calls()).extracting(c -> c.method() + " " + c.url().replace(ZOHO_BASE, ""))
                .containsExactly("POST http://zoho.test/token?grant_type=refresh_token&refresh_token=zoho-refresh"
                        + "&client_id=c&client_secret=zoho-secret",
                        "GET /api/v1/counterparties/Org/counterpartyusers?status=all",
                        "PUT /api/v1/counterparties/Org/counterpartyusers/old%40example.com/",
                        "GET /api/v1/counterparties/Org/counterpartyusers?status=all");
    }

    @Test
    void givenZohoAnswerLostThen404AndTheReadDoesNotShowTheUpdate_whenDeliver_thenThe404Stands() {
        http.on("POST", "http://zoho.test/token", numberedTokens("zo-", 3600))
                .on("GET", ZOHO_LIST, respond(200, zohoList("old@example.com", "Old Name")))
                .on("PUT", ZOHO_PUT, respond(404, ZOHO_404));

        DeliveryException e = catchThrowableOfType(() -> caller.deliver(zohoPlan(), true), DeliveryException.class);

        assertThat(e.transientError()).isFalse();
        assertThat(e.error().code()).isEqualTo("INVALID_URL_PATTERN");
        assertThat(http.calls("GET", ZOHO_LIST)).hasSize(2);
    }

    @Test
    void givenZohoReadShowsTheNewEmailButAnotherName_whenDeliver_thenNotVerifiedAndTheEditIsSent() {
        http.on("POST", "http://zoho.test/token", numberedTokens("zo-", 3600))
                .on("GET", ZOHO_LIST, respond(200, zohoList("new@example.com", "Somebody Else")))
                .on("PUT", ZOHO_PUT, respond(200, "{\"Type\":\"counterpartyuser\"}"));

        DeliveryDriver.Delivered d = caller.deliver(zohoPlan(), true);

        assertThat(d.reconciliation()).isNull();
        assertThat(d.response().status()).isEqualTo(200);
        assertThat(http.calls("PUT", ZOHO_PUT)).hasSize(1);
    }

    @Test
    void givenZohoEditWhoseAnswerIsLost_whenTheImmediateReadShowsIt_thenVerifiedInTheSameAttempt() {
        http.on("POST", "http://zoho.test/token", numberedTokens("zo-", 3600))
                .on("PUT", ZOHO_PUT, call -> {
                    throw new SocketTimeoutException("Read timed out");
                })
                .on("GET", ZOHO_LIST, respond(200, zohoList("new@example.com", "New Name")));

        DeliveryDriver.Delivered d = caller.deliver(zohoPlan(), false);

        assertThat(d.reconciliation().verified()).isTrue();
        assertThat(d.reconciliation().message()).contains("answer was lost").contains("Read timed out");
        assertThat(http.calls("PUT", ZOHO_PUT)).hasSize(1);
    }

    @Test
    void givenZohoAnswerLostAndTheReadFailsTransiently_whenDeliver_thenTransientAndNoEdit() {
        http.on("POST", "http://zoho.test/token", numberedTokens("zo-", 3600))
                .on("GET", ZOHO_LIST, respond(503, "{\"Errors\":{\"ErrorCode\":\"INTERNAL_ERROR\"}}"));

        DeliveryException e = catchThrowableOfType(() -> caller.deliver(zohoPlan(), true), DeliveryException.class);

        assertThat(e.transientError()).isTrue();
        assertThat(e.error().status()).isEqualTo(503);
        assertThat(http.calls("PUT", ZOHO_BASE)).isEmpty();
    }

    // idempotent providers: the read decides before a second edit is sent

    @Test
    void givenSigningHubAnswerLostAndTheEmailAlreadyChanged_whenDeliver_thenVerifiedWithoutGuardRefusalOrEdit() {
        http.on("POST", SH_BASE + "/authenticate", numberedTokens("sh-", 3600))
                .on("GET", SH_BASE + "/v3/packages/201/workflow/users", respond(200, "[{\"order\":1,"
                        + "\"user_email\":\"a@example.com\"},{\"order\":2,\"user_email\":\"NEW@example.com\","
                        + "\"user_name\":\"New Person\",\"role\":\"SIGNER\"}]"));

        DeliveryDriver.Delivered d = caller.deliver(plan(update("signinghub", Map.of("package_id", "201",
                "workflow_order", "2", "current_email", "old@example.com", "email", "new@example.com", "name",
                "New Person")), signinghub), true);

        assertThat(d.reconciliation().verified()).isTrue();
        assertThat(http.calls("PUT", SH_BASE)).isEmpty();
    }

    @Test
    void givenSigningHubAnswerLostAndAnotherRecipientAtThePosition_whenDeliver_thenGuardRefusalStands() {
        http.on("POST", SH_BASE + "/authenticate", numberedTokens("sh-", 3600))
                .on("GET", SH_BASE + "/v3/packages/201/workflow/users", respond(200, "[{\"order\":2,"
                        + "\"user_email\":\"third@example.com\",\"user_name\":\"Third\"}]"));

        DeliveryException e = catchThrowableOfType(() -> caller.deliver(plan(update("signinghub", Map.of(
                "package_id", "201", "workflow_order", "2", "current_email", "old@example.com", "email",
                "new@example.com")), signinghub), true), DeliveryException.class);

        assertThat(e.category()).isEqualTo("guard");
        assertThat(e.error().message()).isEqualTo("recipient at position 2 is not old@example.com");
        assertThat(http.calls("PUT", SH_BASE)).isEmpty();
    }

    @Test
    void givenOneflowAnswerLostAndThePartyShowsTheUpdate_whenDeliver_thenVerifiedAndNoSecondPut() {
        http.on("GET", ONEFLOW_BASE + "/contracts/1/parties/2", respond(200, "{\"id\":2,\"participants\":["
                + "{\"id\":4,\"name\":\"Other\"},{\"id\":3,\"name\":\"Anna Berg\",\"title\":\"CFO\","
                + "\"signatory\":true,\"identification_number\":null}]}"));

        DeliveryDriver.Delivered d = caller.deliver(plan(update("oneflow", Map.of("contract_id", "1", "party_id",
                "2", "participant_id", "3", "name", "Anna Berg", "title", "CFO", "signatory", "true")), oneflow),
                true);

        assertThat(d.reconciliation().verified()).isTrue();
        assertThat(http.calls("PUT", ONEFLOW_BASE)).isEmpty();
    }

    @Test
    void givenOneflowAnswerLostAndThePartyShowsAnOldValue_whenDeliver_thenThePutIsSent() {
        http.on("GET", ONEFLOW_BASE + "/contracts/1/parties/2", respond(200, "{\"id\":2,\"participants\":["
                + "{\"id\":3,\"name\":\"Anna Berg\",\"title\":\"CEO\",\"signatory\":true}]}"))
                .on("PUT", ONEFLOW_BASE + "/contracts/1/parties/2/participants/3", respond(200, "{\"id\":3}"));

        DeliveryDriver.Delivered d = caller.deliver(plan(update("oneflow", Map.of("contract_id", "1", "party_id",
                "2", "participant_id", "3", "name", "Anna Berg", "title", "CFO")), oneflow), true);

        assertThat(d.reconciliation()).isNull();
        assertThat(d.response().status()).isEqualTo(200);
        assertThat(http.calls("PUT", ONEFLOW_BASE)).hasSize(1);
    }

    // which errors mean "sent, answer lost"

    @Test
    void givenRefusedConnection_whenAnswerLost_thenFalseButReadTimeoutAndClosedConnectionAreTrue() {
        assertThat(Delivery.answerLost(new ConnectException("Connection refused"))).isFalse();
        assertThat(Delivery.answerLost(new IOException("wrapped", new ConnectException("Connection refused"))))
                .isFalse();
        assertThat(Delivery.answerLost(new SocketTimeoutException("Read timed out"))).isTrue();
        assertThat(Delivery.answerLost(new IOException("The target server failed to respond"))).isTrue();
    }

    @Test
    void givenGuardReadWithoutAnswer_whenDeliver_thenNotMarkedAsALostEdit() {
        http.on("POST", SH_BASE + "/authenticate", numberedTokens("sh-", 3600))
                .on("GET", SH_BASE + "/v3/packages/201/workflow/users", fail("Read timed out"));

        DeliveryException e = catchThrowableOfType(() -> caller.deliver(plan(update("signinghub", Map.of(
                "package_id", "201", "workflow_order", "2", "current_email", "old@example.com", "name", "N")),
                signinghub), false), DeliveryException.class);

        assertThat(e.transientError()).isTrue();
        assertThat(caller.last().answerLost()).isFalse();
    }


    private Plan.Deliver eviaPlan(Map<String, String> changes) {
        Map<String, String> fields = new LinkedHashMap<>(changes);
        fields.put("request_id", REQUEST);
        fields.put("current_email", "old@example.com");
        return plan(update("eviasign", fields), evia);
    }

    private Plan.Deliver zohoPlan() {
        return plan(update("zoho", Map.of("organization", "Org", "current_email", "old@example.com", "email",
                "new@example.com", "name", "New Name")), zoho);
    }

    private Plan.Deliver plan(ParticipantUpdate update, Connection connection) {
        ProviderAdapter adapter = registry.get(connection.provider());
        assertThat(adapter.validate(update, connection)).isEmpty();
        return new Plan.Deliver(update, connection, adapter, adapter.buildRequest(update, connection).orElseThrow());
    }

    private static ParticipantUpdate update(String provider, Map<String, String> fields) {
        return ParticipantUpdate.of(provider, null, fields, Source.of("test", "unit", 1));
    }
}
