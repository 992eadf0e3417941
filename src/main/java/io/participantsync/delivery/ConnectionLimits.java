package io.participantsync.delivery;

import io.participantsync.config.ConfigurationException;
import io.participantsync.config.Connections;
import io.participantsync.config.Settings;
import io.participantsync.provider.Connection;
import io.participantsync.provider.ProviderAdapter;
import io.participantsync.provider.ProviderRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One connection's delivery limits: calls in flight ({@code max-concurrency}), requests per window
 * ({@code rate-limit}, {@code null} = none), attempts and total time a record may spend on transient failures
 * ({@code max-attempts}, {@code retry-budget}) and its circuit breaker ({@code breaker-failures} failed calls in a row
 * open it for {@code breaker-wait}). Each key under {@code connections.<name>.} falls back to a {@code delivery.*}
 * default.
 */
public record ConnectionLimits(String connection, int maxConcurrency, RateLimit rateLimit, int maxAttempts,
        Duration retryBudget, int breakerFailures, Duration breakerWait) {

    /** The keys this record reads under {@code connections.<name>.}. */
    public static final List<String> KEYS = List.of("max-concurrency", "rate-limit", "max-attempts", "retry-budget",
            "breaker-failures", "breaker-wait");

    /** Defaults for every connection, from the {@code delivery.*} settings. */
    public record Defaults(int maxConcurrency, int maxAttempts, Duration retryBudget, int breakerFailures,
            Duration breakerWait) {

        /** Reads the {@code delivery.*} defaults; throws naming each bad key. */
        public static Defaults from(Settings s) {
            List<String> problems = new ArrayList<>();
            int concurrency = s.getInt("delivery.concurrency", 8);
            int attempts = s.getInt("delivery.max-attempts", 10);
            long budgetMs = s.getLong("delivery.retry-budget-ms", 300_000);
            int failures = s.getInt("delivery.breaker-failures", 10);
            long waitMs = s.getLong("delivery.breaker-wait-ms", 10_000);
            atLeast(problems, "delivery.concurrency", concurrency, 1);
            atLeast(problems, "delivery.max-attempts", attempts, 1);
            atLeast(problems, "delivery.retry-budget-ms", budgetMs, 1);
            atLeast(problems, "delivery.breaker-failures", failures, 1);
            atLeast(problems, "delivery.breaker-wait-ms", waitMs, 1);
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            return new Defaults(concurrency, attempts, Duration.ofMillis(budgetMs), failures, Duration.ofMillis(waitMs));
        }
    }

    /** The limits of every connection; throws a {@link ConfigurationException} naming each bad key. */
    public static Map<String, ConnectionLimits> load(Connections connections, Defaults defaults) {
        Map<String, ConnectionLimits> out = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (Connection c : connections.all()) {
            try {
                out.put(c.name(), of(c, defaults, connections.providers().find(c.provider())
                        .flatMap(ProviderAdapter::defaultRateLimit)));
            } catch (ConfigurationException e) {
                problems.addAll(e.problems());
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
        return out;
    }

    /** The limits of one connection of a standard provider (with its default rate limit). */
    public static ConnectionLimits of(Connection c, Defaults d) {
        return of(c, d, ProviderRegistry.standardDefaults().find(c.provider())
                .flatMap(ProviderAdapter::defaultRateLimit));
    }

    /**
     * The limits of one connection.
     *
     * @param defaultRateLimit the provider's rate limit when the connection sets none
     *                         ({@link ProviderAdapter#defaultRateLimit()})
     */
    public static ConnectionLimits of(Connection c, Defaults d, Optional<String> defaultRateLimit) {
        List<String> problems = new ArrayList<>();
        int concurrency = integer(problems, c, "max-concurrency", d.maxConcurrency());
        int attempts = integer(problems, c, "max-attempts", d.maxAttempts());
        int failures = integer(problems, c, "breaker-failures", d.breakerFailures());
        Duration budget = duration(problems, c, "retry-budget", d.retryBudget());
        Duration wait = duration(problems, c, "breaker-wait", d.breakerWait());
        RateLimit rate = null;
        String rateValue = c.get("rate-limit", defaultRateLimit.orElse(null));
        if (rateValue != null) {
            try {
                rate = RateLimit.parse(c.prefix() + "rate-limit", rateValue);
            } catch (ConfigurationException e) {
                problems.addAll(e.problems());
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
        return new ConnectionLimits(c.name(), concurrency, rate, attempts, budget, failures, wait);
    }

    private static int integer(List<String> problems, Connection c, String key, int fallback) {
        String v = c.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        problems.add(c.prefix() + key + " must be a whole number of at least 1, was '" + v + "'");
        return fallback;
    }

    private static Duration duration(List<String> problems, Connection c, String key, Duration fallback) {
        String v = c.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            Duration d = Durations.parse(c.prefix() + key, v);
            if (!d.isZero()) {
                return d;
            }
            problems.add(c.prefix() + key + " must be longer than 0, was '" + v + "'");
        } catch (ConfigurationException e) {
            problems.addAll(e.problems());
        }
        return fallback;
    }

    private static void atLeast(List<String> problems, String key, long value, long min) {
        if (value < min) {
            problems.add(key + " must be at least " + min + ", was " + value);
        }
    }
}
