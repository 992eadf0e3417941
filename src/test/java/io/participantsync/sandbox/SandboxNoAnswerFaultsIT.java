package io.participantsync.sandbox;

import static io.participantsync.sandbox.SandboxClient.bearer;
import static io.participantsync.sandbox.SandboxClient.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.participantsync.sandbox.SandboxKnobs.Fault;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Verifies the sandbox's faults without an answer: reset, timeout, lost answer after apply; scripted and random. */
class SandboxNoAnswerFaultsIT extends SandboxFixture {

    private static final String ZIGNED =
            "/zigned/rest/v3/agreements/cm4draftnordic0001example/participants/cm4p0001asaoberg00example";
    private static final String ZOHO_BASE = "/zoho/com/api/v1/counterparties/NordicExampleAB/counterpartyusers";
    private static final String ZOHO = ZOHO_BASE + "/lars.nilsson%40example.com/";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A call that may get no answer: the IOException is returned, not thrown. */
    private Object call(String method, String path, Map<String, String> headers, String body, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(timeout)
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        headers.forEach(b::header);
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            return e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private Object zignedPut(String token, String name) {
        return call("PUT", ZIGNED, bearer(token), "{\"name\":\"" + name + "\"}", Duration.ofSeconds(10));
    }

    private String zignedName() {
        return server.participant("zigned", "cm4draftnordic0001example", "cm4p0001asaoberg00example").orElseThrow()
                .path("name").asText();
    }

    @Test
    void givenScriptedReset_whenCalled_thenNoAnswerNothingAppliedAndNextCallAnswered() {
        String token = client.zignedToken();
        String before = zignedName();
        server.knobs().failNext("zigned", 1, Fault.RESET);

        Object first = zignedPut(token, "Reset Person");

        assertThat(first).isInstanceOf(IOException.class);
        assertThat(zignedName()).isEqualTo(before);
        assertThat(server.appliedEdits()).isEmpty();
        assertThat(server.droppedAnswers("zigned")).isEqualTo(1);
        Object second = zignedPut(token, "Reset Person");
        assertThat(((HttpResponse<?>) second).statusCode()).isEqualTo(200);
        assertThat(zignedName()).isEqualTo("Reset Person");
    }

    @Test
    void givenScriptedTimeout_whenClientTimesOutFirst_thenTimeoutAndNothingApplied() {
        String token = client.zignedToken();
        String before = zignedName();
        server.knobs().hangMs(1500).failNext("zigned", 1, Fault.TIMEOUT);

        Object first = call("PUT", ZIGNED, bearer(token), "{\"name\":\"Late Person\"}", Duration.ofMillis(300));

        assertThat(first).isInstanceOf(HttpTimeoutException.class);
        assertThat(zignedName()).isEqualTo(before);
        assertThat(server.appliedEdits()).isEmpty();
        awaitHeldCallDropped();
    }

    @Test
    void givenScriptedTimeoutShorterThanClientTimeout_whenCalled_thenConnectionClosedWithoutAnswer() {
        String token = client.zignedToken();
        server.knobs().hangMs(100).failNext("zigned", 1, Fault.TIMEOUT);

        Object first = zignedPut(token, "Late Person");

        assertThat(first).isInstanceOf(IOException.class).isNotInstanceOf(HttpTimeoutException.class);
        assertThat(server.appliedEdits()).isEmpty();
    }

    @Test
    void givenScriptedLostAnswer_whenZohoEmailChanged_thenAppliedButNoAnswerAndRetryGets404() {
        String token = client.zohoToken();
        server.knobs().failNext("zoho", 1, Fault.LOST_ANSWER);
        String body = "{\"emailId\":\"lars.new@example.com\",\"displayName\":\"Lars Nilsson\"}";

        Object first = call("PUT", ZOHO, Map.of("Authorization", "Zoho-oauthtoken " + token), body,
                Duration.ofSeconds(10));
        Object retry = call("PUT", ZOHO, Map.of("Authorization", "Zoho-oauthtoken " + token), body,
                Duration.ofSeconds(10));

        assertThat(first).isInstanceOf(IOException.class);
        assertThat(server.appliedEdits()).hasSize(1);
        assertThat(server.participant("zoho", "com", "NordicExampleAB", "lars.new@example.com")).isPresent();
        HttpResponse<?> again = (HttpResponse<?>) retry;
        assertThat(again.statusCode()).isEqualTo(404);
        assertThat(tree((String) again.body()).at("/Errors/ErrorCode").asText()).isEqualTo("INVALID_URL_PATTERN");
        assertThat(server.droppedAnswers("zoho")).isEqualTo(1);
    }

    @Test
    void givenScriptedLostAnswer_whenAReadComesFirst_thenTheReadIsAnsweredAndTheEditLosesItsAnswer() {
        String token = client.zohoToken();
        server.knobs().failNext("zoho", 1, Fault.LOST_ANSWER);
        Map<String, String> auth = Map.of("Authorization", "Zoho-oauthtoken " + token);

        Object read = call("GET", ZOHO_BASE + "?status=all", auth, null, Duration.ofSeconds(10));
        assertThat(server.knobs().pendingFailures("zoho")).isEqualTo(1);
        Object edit = call("PUT", ZOHO, auth, "{\"displayName\":\"Lars N\"}", Duration.ofSeconds(10));

        assertThat(((HttpResponse<?>) read).statusCode()).isEqualTo(200);
        assertThat(edit).isInstanceOf(IOException.class);
        assertThat(server.knobs().pendingFailures("zoho")).isZero();
        assertThat(server.appliedEdits()).hasSize(1);
    }

    @Test
    void givenScriptedLostAnswerTimeout_whenClientTimesOut_thenEditAppliedAnyway() {
        String token = client.zignedToken();
        server.knobs().hangMs(1500).failNext("zigned", 1, Fault.LOST_ANSWER_TIMEOUT);

        Object first = call("PUT", ZIGNED, bearer(token), "{\"name\":\"Applied Person\"}", Duration.ofMillis(300));

        assertThat(first).isInstanceOf(HttpTimeoutException.class);
        assertThat(zignedName()).isEqualTo("Applied Person");
        assertThat(server.appliedEdits()).hasSize(1);
        awaitHeldCallDropped();
    }

    /**
     * The sandbox holds a timed-out call for hangMs after the client gave up, then drops it and counts the drop: wait
     * for that here, or it lands in the next test (after its reset) and miscounts that test's dropped answers.
     */
    private void awaitHeldCallDropped() {
        await("the held zigned call dropped").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> server.droppedAnswers("zigned") == 1);
    }

    @Test
    void givenFailNextKindsAndStatusesMixed_whenCalled_thenServedInOrder() {
        String token = client.zignedToken();
        server.knobs().failNext("zigned", 1, 503).failNext("zigned", 1, Fault.RESET)
                .failNext("zigned", 1, Fault.TOO_MANY_REQUESTS);

        Object a = zignedPut(token, "A");
        Object b = zignedPut(token, "B");
        Object c = zignedPut(token, "C");
        Object d = zignedPut(token, "D");

        assertThat(((HttpResponse<?>) a).statusCode()).isEqualTo(503);
        assertThat(b).isInstanceOf(IOException.class);
        assertThat(((HttpResponse<?>) c).statusCode()).isEqualTo(429);
        assertThat(((HttpResponse<?>) d).statusCode()).isEqualTo(200);
    }

    @Test
    void givenRandomResetAndLostAnswerRates_whenManyCalls_thenSomeDroppedAndLostOnesApplied() {
        String token = client.zignedToken();
        server.knobs().rateReset(0.2).rateLostAnswer(0.2).seed(7);
        int answered = 0;
        int dropped = 0;

        for (int i = 0; i < 60; i++) {
            Object r = zignedPut(token, "Name " + i);
            if (r instanceof HttpResponse<?> h && h.statusCode() == 200) {
                answered++;
            } else if (r instanceof IOException) {
                dropped++;
            }
        }

        assertThat(dropped).isBetween(10, 40);
        assertThat(answered + dropped).isEqualTo(60);
        assertThat(server.droppedAnswers("zigned")).isEqualTo(dropped);
        // lost answers were applied, resets were not
        assertThat(server.appliedEdits().size()).isGreaterThan(answered).isLessThan(60);
    }

    @Test
    void givenKnobsJson_whenApplied_thenNewRatesHangAndKindsAreReadAndShown() throws Exception {
        JsonNode json = SandboxClient.MAPPER.readTree("{\"rateReset\":0.1,\"rateTimeout\":0.2,\"rateLostAnswer\":0.3,"
                + "\"rateLostAnswerTimeout\":0.05,\"hangMs\":1200,\"failNext\":[{\"provider\":\"eviasign\","
                + "\"count\":2,"
                + "\"kind\":\"lost-answer\"},{\"provider\":\"eviasign\",\"count\":1,\"status\":503}]}");

        server.knobs().apply(json);

        JsonNode shown = server.knobs().toJson(SandboxClient.MAPPER);
        assertThat(shown.path("rateReset").asDouble()).isEqualTo(0.1);
        assertThat(shown.path("rateTimeout").asDouble()).isEqualTo(0.2);
        assertThat(shown.path("rateLostAnswer").asDouble()).isEqualTo(0.3);
        assertThat(shown.path("rateLostAnswerTimeout").asDouble()).isEqualTo(0.05);
        assertThat(shown.path("hangMs").asLong()).isEqualTo(1200);
        assertThat(shown.path("pendingFailures").path("eviasign").asInt()).isEqualTo(3);
        assertThatThrownBy(() -> server.knobs().apply(SandboxClient.MAPPER.readTree(
                "{\"failNext\":{\"provider\":\"zoho\",\"kind\":\"explode\"}}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("explode");
        server.knobs().clear();
        assertThat(server.knobs().hangMs()).isEqualTo(SandboxKnobs.DEFAULT_HANG_MS);
        assertThat(server.knobs().rateLostAnswer()).isZero();
    }
}
