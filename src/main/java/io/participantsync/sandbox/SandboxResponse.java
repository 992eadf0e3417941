package io.participantsync.sandbox;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** One HTTP answer a simulator produces: status, content type ({@code null} for no body), body and extra headers. */
public record SandboxResponse(int status, String contentType, byte[] body, Map<String, String> headers) {

    public static final String JSON = "application/json; charset=utf-8";
    public static final String TEXT = "text/plain; charset=utf-8";

    public static SandboxResponse json(int status, String json) {
        return new SandboxResponse(status, JSON, json.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    public static SandboxResponse text(int status, String text) {
        return new SandboxResponse(status, TEXT, text.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    public static SandboxResponse empty(int status) {
        return new SandboxResponse(status, null, new byte[0], Map.of());
    }

    public SandboxResponse withHeader(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(name, value);
        return new SandboxResponse(status, contentType, body, copy);
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
