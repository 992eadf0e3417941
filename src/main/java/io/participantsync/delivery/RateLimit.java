package io.participantsync.delivery;

import io.participantsync.config.ConfigurationException;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A connection's request limit: at most {@code requests} calls in any window of {@code window}, written
 * {@code 1000/5m}, {@code 50/1s}, {@code 100/10s} ({@code N/<count><ms|s|m|h>}; the count may be left out:
 * {@code 10/s}).
 */
public record RateLimit(int requests, Duration window) {

    private static final Pattern SYNTAX = Pattern.compile("(\\d{1,9})\\s*/\\s*(\\d{0,9})\\s*(ms|s|m|h)");

    public RateLimit {
        if (requests < 1 || window.isZero() || window.isNegative()) {
            throw new IllegalArgumentException("a rate limit needs at least 1 request per positive window");
        }
    }

    /**
     * Reads {@code value} of setting {@code key}; {@code none} or {@code unlimited} gives {@code null} (no limit).
     * Throws a {@link ConfigurationException} naming the key when the value is not of the form {@code N/<window>}.
     */
    public static RateLimit parse(String key, String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("none") || v.equals("unlimited")) {
            return null;
        }
        Matcher m = SYNTAX.matcher(v);
        if (!m.matches()) {
            throw new ConfigurationException(key + " must be <requests>/<window> such as 1000/5m, 50/1s or 100/10s "
                    + "(or none), was '" + value.trim() + "'");
        }
        int requests = Integer.parseInt(m.group(1));
        long count = m.group(2).isEmpty() ? 1 : Long.parseLong(m.group(2));
        if (requests < 1 || count < 1) {
            throw new ConfigurationException(key + " needs at least 1 request per window of at least 1 "
                    + m.group(3) + ", was '" + value.trim() + "'");
        }
        return new RateLimit(requests, Durations.of(count, m.group(3)));
    }

    @Override
    public String toString() {
        return requests + "/" + Durations.format(window);
    }
}
