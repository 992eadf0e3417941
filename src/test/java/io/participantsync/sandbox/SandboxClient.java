package io.participantsync.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.participantsync.provider.eviasign.EviaSignSandboxCredentials;
import io.participantsync.provider.oneflow.OneflowSandboxCredentials;
import io.participantsync.provider.signinghub.SigningHubSandboxCredentials;
import io.participantsync.provider.zigned.ZignedSandboxCredentials;
import io.participantsync.provider.zoho.ZohoSandboxCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** Test helper: plain {@link HttpClient} calls against a started sandbox, plus each provider's token flow. */
final class SandboxClient {

    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final SandboxServer server;

    SandboxClient(SandboxServer server) {
        this.server = server;
    }

    HttpResponse<String> send(String method, String path, Map<String, String> headers, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path))
                .timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        headers.forEach(b::header);
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> json(String method, String path, Map<String, String> headers, String body) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put("Content-Type", "application/json");
        h.put("Accept", "application/json");
        return send(method, path, h, body);
    }

    HttpResponse<String> form(String path, Map<String, String> headers, Map<String, String> form) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put("Content-Type", "application/x-www-form-urlencoded");
        return send("POST", path, h, encode(form));
    }

    static String encode(Map<String, String> form) {
        return form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }

    static JsonNode tree(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String basic(String id, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    static Map<String, String> oneflowHeaders() {
        return Map.of("x-oneflow-api-token", OneflowSandboxCredentials.ONEFLOW_API_TOKEN_LOCAL_DEV_ONLY,
                "x-oneflow-user-email", OneflowSandboxCredentials.ONEFLOW_USER_EMAIL_LOCAL_DEV_ONLY);
    }

    static Map<String, String> oneflowAcmeHeaders() {
        return Map.of("x-oneflow-api-token", OneflowSandboxCredentials.ONEFLOW_ACME_API_TOKEN_LOCAL_DEV_ONLY,
                "x-oneflow-user-email", OneflowSandboxCredentials.ONEFLOW_ACME_USER_EMAIL_LOCAL_DEV_ONLY);
    }

    String zignedToken() {
        HttpResponse<String> r = form("/zigned/oauth/token", Map.of(), Map.of("grant_type", "client_credentials",
                "client_id", ZignedSandboxCredentials.ZIGNED_CLIENT_ID_LOCAL_DEV_ONLY,
                "client_secret", ZignedSandboxCredentials.ZIGNED_CLIENT_SECRET_LOCAL_DEV_ONLY));
        return accessToken(r);
    }

    String signingHubToken() {
        HttpResponse<String> r = form("/signinghub/authenticate", Map.of("Accept", "application/json"), Map.of(
                "grant_type", "password",
                "client_id", SigningHubSandboxCredentials.SIGNINGHUB_CLIENT_ID_LOCAL_DEV_ONLY,
                "client_secret", SigningHubSandboxCredentials.SIGNINGHUB_CLIENT_SECRET_LOCAL_DEV_ONLY,
                "username", SigningHubSandboxCredentials.SIGNINGHUB_USERNAME_LOCAL_DEV_ONLY,
                "password", SigningHubSandboxCredentials.SIGNINGHUB_PASSWORD_LOCAL_DEV_ONLY));
        return accessToken(r);
    }

    String eviaToken() {
        HttpResponse<String> r = form("/eviasign/_apis/falcon/auth/api/v2/token",
                Map.of("Authorization", basic(EviaSignSandboxCredentials.EVIASIGN_CLIENT_ID_LOCAL_DEV_ONLY,
                        EviaSignSandboxCredentials.EVIASIGN_CLIENT_SECRET_LOCAL_DEV_ONLY)),
                Map.of("grant_type", "refresh_token",
                        "refresh_token", EviaSignSandboxCredentials.EVIASIGN_REFRESH_TOKEN_LOCAL_DEV_ONLY));
        return accessToken(r);
    }

    HttpResponse<String> zohoTokenResponse(String dc, String clientId, String secret, String refresh) {
        String query = encode(new LinkedHashMap<>(Map.of("grant_type", "refresh_token", "refresh_token", refresh,
                "client_id", clientId, "client_secret", secret)));
        return send("POST", "/zoho-accounts/" + dc + "/oauth/v2/token?" + query, Map.of(), "");
    }

    String zohoToken() {
        return accessToken(zohoTokenResponse("com", ZohoSandboxCredentials.ZOHO_CLIENT_ID_LOCAL_DEV_ONLY,
                ZohoSandboxCredentials.ZOHO_CLIENT_SECRET_LOCAL_DEV_ONLY,
                ZohoSandboxCredentials.ZOHO_REFRESH_TOKEN_LOCAL_DEV_ONLY));
    }

    String zohoEuToken() {
        return accessToken(zohoTokenResponse("eu", ZohoSandboxCredentials.ZOHO_EU_CLIENT_ID_LOCAL_DEV_ONLY,
                ZohoSandboxCredentials.ZOHO_EU_CLIENT_SECRET_LOCAL_DEV_ONLY,
                ZohoSandboxCredentials.ZOHO_EU_REFRESH_TOKEN_LOCAL_DEV_ONLY));
    }

    private static String accessToken(HttpResponse<String> r) {
        if (r.statusCode() != 200) {
            throw new IllegalStateException("token call answered " + r.statusCode() + ": " + r.body());
        }
        return tree(r.body()).path("access_token").asText();
    }

    static Map<String, String> bearer(String token) {
        return Map.of("Authorization", "Bearer " + token);
    }
}
