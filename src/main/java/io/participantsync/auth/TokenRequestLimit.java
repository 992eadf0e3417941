package io.participantsync.auth;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * At most {@code count} token requests per sliding {@code window} for one refresh token, written {@code 10/10m}
 * (units {@code ms}, {@code s}, {@code m}, {@code h}). Zoho allows 10 per 10 minutes.
 */
public record TokenRequestLimit(int count, Duration window) {

    private static final Pattern FORMAT = Pattern.compile("^\\s*(\\d+)\\s*/\\s*(\\d*)\\s*(ms|s|m|h)\\s*$");

    public TokenRequestLimit {
        if (count < 1 || window == null || window.isZero() || window.isNegative()) {
            throw new IllegalArgumentException("a token request limit needs a count >= 1 and a positive window");
        }
    }

    /** Reads {@code <count>/<amount><unit>}, e.g. {@code 10/10m}, {@code 3/2s}, {@code 100/h}. */
    public static TokenRequestLimit parse(String text) {
        Matcher m = text == null ? null : FORMAT.matcher(text.toLowerCase(Locale.ROOT));
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not <count>/<window>, e.g. 10/10m");
        }
        long amount = m.group(2).isEmpty() ? 1 : Long.parseLong(m.group(2));
        Duration window = switch (m.group(3)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
        };
        return new TokenRequestLimit(Integer.parseInt(m.group(1)), window);
    }

    /**
     * The limit of a connection: its {@code token-rate-limit} setting ({@code none} turns a provider's default off),
     * else the provider's default.
     */
    public static Optional<TokenRequestLimit> of(String setting, Optional<String> providerDefault) {
        if (setting != null && !setting.isBlank()) {
            return setting.trim().equalsIgnoreCase("none") ? Optional.empty() : Optional.of(parse(setting));
        }
        return providerDefault.map(TokenRequestLimit::parse);
    }

    @Override
    public String toString() {
        return count + " per " + window.toSeconds() + " s";
    }
}
