package io.participantsync.provider;

import java.util.Map;

/**
 * One HTTP call an adapter wants made: method, path relative to the connection's base URL (already URL-encoded,
 * starting with '/'), optional query string (encoded, without '?'), headers other than authentication, and a JSON body
 * (or {@code null}). The delivery route sends it with camel-http.
 */
public record ProviderRequest(String method, String path, String query, Map<String, String> headers, String body) {

    public ProviderRequest {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    public static final Map<String, String> JSON_HEADERS = Map.of("Accept", "application/json", "Content-Type",
            "application/json");
}
