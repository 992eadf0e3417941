package io.participantsync.config;

import io.participantsync.auth.TokenRequestLimit;
import io.participantsync.provider.Connection;
import io.participantsync.provider.ProviderAdapter;
import io.participantsync.provider.ProviderRegistry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The named connections ({@code connections.<name>.*}), validated at startup, and the rule that picks a record's
 * connection: the one it names, else the provider's default (the connection named like the provider, or the only
 * connection of that provider).
 */
public final class Connections {

    /**
     * The keys every connection may have, whatever its provider; a provider adds its own
     * ({@link ProviderAdapter#connectionKeys()}, {@link ProviderAdapter#secretKeys()}). An environment variable can set
     * these keys for a declared connection.
     */
    public static final Set<String> KEYS = Set.of("provider", "base-url", "rate-limit", "max-concurrency",
            "max-attempts", "retry-budget", "breaker-failures", "breaker-wait", "token-rate-limit");

    private final Map<String, Connection> byName;
    private final ProviderRegistry providers;

    private Connections(Map<String, Connection> byName, ProviderRegistry providers) {
        this.byName = byName;
        this.providers = providers;
    }

    /** Reads and validates every declared connection; throws naming each missing or invalid key. */
    public static Connections load(Settings settings, ProviderRegistry providers) {
        Map<String, Connection> byName = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (String name : settings.connectionNames()) {
            String prefix = "connections." + name + ".";
            String given = settings.withPrefix(prefix, KEYS).get("provider");
            // provider names match case-insensitively, as in records ("Zigned" is zigned)
            String provider = given == null ? null : given.trim().toLowerCase(java.util.Locale.ROOT);
            Optional<ProviderAdapter> adapter = providers.find(provider);
            if (adapter.isEmpty()) {
                problems.add(prefix + "provider '" + given + "' is not one of " + String.join(", ", providers.ids()));
                continue;
            }
            Map<String, String> values = new LinkedHashMap<>(settings.withPrefix(prefix, keys(adapter.get())));
            values.put("provider", provider);
            Connection probe = new Connection(name, provider, values);
            if (!probe.has("base-url")) {
                values.put("base-url", adapter.get().defaultBaseUrl(probe));
            }
            Connection connection = new Connection(name, provider, values);
            problems.addAll(adapter.get().validateConnection(connection));
            try {
                TokenRequestLimit.of(connection.get("token-rate-limit"), Optional.empty());
            } catch (IllegalArgumentException e) {
                problems.add(prefix + "token-rate-limit " + e.getMessage());
            }
            byName.put(name, connection);
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
        return new Connections(byName, providers);
    }

    /** Every key a connection of {@code adapter}'s provider may have. */
    public static Set<String> keys(ProviderAdapter adapter) {
        Set<String> keys = new LinkedHashSet<>(KEYS);
        keys.addAll(adapter.connectionKeys());
        keys.addAll(adapter.secretKeys());
        return keys;
    }

    /** Connections as given (not validated), of the standard providers. */
    public static Connections of(Collection<Connection> connections) {
        return of(connections, ProviderRegistry.standardDefaults());
    }

    /** Connections as given (not validated), of {@code providers}. */
    public static Connections of(Collection<Connection> connections, ProviderRegistry providers) {
        Map<String, Connection> byName = new LinkedHashMap<>();
        connections.forEach(c -> byName.put(c.name(), c));
        return new Connections(byName, providers);
    }

    /** The providers these connections were validated against: the adapter of each connection's provider. */
    public ProviderRegistry providers() {
        return providers;
    }

    public Optional<Connection> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public Collection<Connection> all() {
        return byName.values();
    }

    public boolean isEmpty() {
        return byName.isEmpty();
    }

    /**
     * The connection a record goes to, or a reason why there is none (a message that names the connection or the
     * provider).
     */
    public Resolution resolve(String provider, String connectionName) {
        if (connectionName != null) {
            Connection c = byName.get(connectionName);
            if (c == null) {
                return Resolution.error("connection '" + connectionName + "' is not configured (configured: "
                        + String.join(", ", byName.keySet()) + ")");
            }
            if (provider != null && !c.provider().equals(provider)) {
                return Resolution.error("connection '" + connectionName + "' is a " + c.provider()
                        + " connection, not " + provider);
            }
            return Resolution.ok(c);
        }
        Connection named = byName.get(provider);
        if (named != null && named.provider().equals(provider)) {
            return Resolution.ok(named);
        }
        List<Connection> ofProvider = byName.values().stream().filter(c -> c.provider().equals(provider))
                .collect(Collectors.toList());
        if (ofProvider.size() == 1) {
            return Resolution.ok(ofProvider.get(0));
        }
        if (ofProvider.isEmpty()) {
            return Resolution.error("no connection is configured for provider " + provider);
        }
        return Resolution.error("provider " + provider + " has several connections ("
                + ofProvider.stream().map(Connection::name).collect(Collectors.joining(", "))
                + ") and none is named '" + provider + "': name one in the connection field");
    }

    /** A resolved connection or the reason there is none. */
    public record Resolution(Connection connection, String error) {
        static Resolution ok(Connection c) {
            return new Resolution(c, null);
        }

        static Resolution error(String e) {
            return new Resolution(null, e);
        }
    }
}
