package io.participantsync.model;

/**
 * A provider's error answer read into one shape: HTTP status (0 when no answer arrived), the provider's own error code
 * (may be {@code null}) and its message.
 */
public record ProviderError(int status, String code, String message) {

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        if (status > 0) {
            sb.append("HTTP ").append(status);
        }
        // Zigned's code mirrors the status: showing it twice says nothing
        if (code != null && !code.isBlank() && !code.equals(String.valueOf(status))) {
            sb.append(sb.isEmpty() ? "" : " ").append(code);
        }
        if (message != null && !message.isBlank()) {
            sb.append(sb.isEmpty() ? "" : ": ").append(message);
        }
        return sb.toString();
    }
}
