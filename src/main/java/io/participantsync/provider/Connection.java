package io.participantsync.provider;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One named account at one provider, as configured under {@code connections.<name>.*}. {@code settings} holds every
 * key of that connection without the prefix ({@code base-url}, {@code client-id}, ...). {@link #toString()} never
 * shows a secret.
 */
public record Connection(String name, String provider, Map<String, String> settings) {

    /**
     * Setting keys whose values are secrets: the union of every registered provider's
     * {@link ProviderAdapter#secretKeys()} (see {@link RegisteredProviders}).
     */
    public static final Set<String> SECRET_KEYS = new RegisteredSet(RegisteredProviders::secretKeys);

    public Connection {
        settings = Map.copyOf(settings);
    }

    public String get(String key) {
        String v = settings.get(key);
        return v == null || v.isBlank() ? null : v.trim();
    }

    public String get(String key, String defaultValue) {
        String v = get(key);
        return v == null ? defaultValue : v;
    }

    public boolean has(String key) {
        return get(key) != null;
    }

    /** The API base without a trailing slash. */
    public String baseUrl() {
        String base = get("base-url");
        if (base == null) {
            return null;
        }
        // without its trailing slashes (called for every request: no regular expression)
        int end = base.length();
        while (end > 0 && base.charAt(end - 1) == '/') {
            end--;
        }
        return base.substring(0, end);
    }

    public String prefix() {
        return "connections." + name + ".";
    }

    @Override
    public String toString() {
        Map<String, String> shown = new TreeMap<>();
        settings.forEach((k, v) -> shown.put(k, SECRET_KEYS.contains(k) ? "***" : v));
        return "Connection[" + name + ", provider=" + provider + ", " + shown + "]";
    }
}
