package io.participantsync.http;

import java.util.Map;
import java.util.TreeMap;

/** A provider's answer: status, body text (UTF-8) and headers (names compared case-insensitively). */
public record HttpResponse(int status, String body, Map<String, String> headers) {

    public HttpResponse {
        Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (headers != null) {
            h.putAll(headers);
        }
        headers = java.util.Collections.unmodifiableMap(h);
        body = body == null ? "" : body;
    }

    public String header(String name) {
        return headers.get(name);
    }
}
