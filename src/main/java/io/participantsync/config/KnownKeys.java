package io.participantsync.config;

import io.participantsync.provider.ProviderAdapter;
import io.participantsync.provider.ProviderRegistry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Misspelt keys: a key of the configuration file (or set by the process) under one of the project's prefixes, or
 * under a prefix one or two letters from one ({@code conections.}), that no part of the service reads is an error
 * with the nearest known key as a suggestion ({@code connections.zig.rate-limt}: did you mean
 * {@code connections.zig.rate-limit}?). {@code camel.*} belongs to Camel; {@code providers.<id>.*} to the adapters and
 * {@code sync-jobs.*} to the sync jobs, which check their own keys.
 */
public final class KnownKeys {

    /** The first segment of every key the project reads. */
    static final Set<String> PREFIXES = Set.of("connections", "delivery", "auth", "jms", "kafka", "queue",
            "dead-letter", "data", "checkpoint", "csv", "http", "sync", "state", "routes", "providers", "sandbox",
            "sync-jobs");

    /** Keys read by the code but not set in application.properties (their default is in the code or blank). */
    static final Set<String> NOT_IN_DEFAULTS = Set.of("jms.password", "jms.username", "jms.broker-url",
            "kafka.brokers", "http.api-keys", "state.jdbc-url", "state.jdbc-user", "state.jdbc-password",
            "state.pool-size", "state.max-stored-report-rows", "routes.include-pattern", "routes.dir",
            "providers.extra", "sync.report-dir", "queue.report-dir", "data.dir", "dead-letter.dir");

    /** The sandbox knobs settable as {@code sandbox.<knob>} (see SandboxKnobs). */
    public static final List<String> SANDBOX_KNOBS = List.of("latency-ms", "rate429", "rate503", "rate-slow",
            "slow-ms", "rate-reset", "rate-timeout", "rate-lost-answer", "rate-lost-answer-timeout", "hang-ms",
            "provider", "seed", "token-ttl-seconds", "auto-create", "record-edits");

    private KnownKeys() {
    }

    /**
     * One problem per unknown key of {@code settings}; {@code extraKnown} adds keys of other parts (the sandbox
     * knobs).
     */
    public static List<String> problems(Settings settings, ProviderRegistry providers, Collection<String> extraKnown) {
        Set<String> known = new TreeSet<>(Settings.defaultKeys());
        known.addAll(NOT_IN_DEFAULTS);
        known.addAll(extraKnown);
        SANDBOX_KNOBS.forEach(k -> known.add("sandbox." + k));
        Set<String> csvSuffixes = new TreeSet<>();
        known.stream().filter(k -> k.startsWith("csv.")).forEach(k -> csvSuffixes.add(k.substring(4)));
        Set<String> anyConnectionKey = new TreeSet<>(Connections.KEYS);
        providers.adapters().forEach(a -> anyConnectionKey.addAll(Connections.keys(a)));
        Set<String> declared = settings.connectionNames();
        Set<String> candidates = new TreeSet<>(known);
        for (String name : declared) {
            connectionKeys(settings, providers, name, anyConnectionKey)
                    .forEach(s -> candidates.add("connections." + name + "." + s));
        }
        List<String> problems = new ArrayList<>();
        for (String key : settings.givenKeys()) {
            String first = key.contains(".") ? key.substring(0, key.indexOf('.')) : key;
            if (first.equals("camel") || first.equals("providers") || first.equals("sync-jobs")) {
                continue;
            }
            String nearestPrefix = nearest(first, PREFIXES);
            if (!PREFIXES.contains(first) && distance(first, nearestPrefix) > 2) {
                continue; // not ours (e.g. a placeholder of a route of the user's)
            }
            if (known.contains(key) || first.equals("csv") && isCsvCopyKey(key, csvSuffixes)) {
                continue;
            }
            if (first.equals("connections")) {
                String[] parts = key.split("\\.", 3);
                if (parts.length == 3 && declared.contains(parts[1])
                        && connectionKeys(settings, providers, parts[1], anyConnectionKey).contains(parts[2])) {
                    continue;
                }
                if (parts.length == 3 && !declared.contains(parts[1])) {
                    // a connection without a provider key: its provider key may be the misspelt one
                    anyConnectionKey.forEach(s -> candidates.add("connections." + parts[1] + "." + s));
                }
            }
            Set<String> pool = new LinkedHashSet<>(candidates);
            if (!PREFIXES.contains(first)) {
                String respelt = nearestPrefix + key.substring(first.length());
                pool.add(respelt);
                if (respelt.startsWith("connections.")) {
                    String[] parts = respelt.split("\\.", 3);
                    if (parts.length == 3) {
                        anyConnectionKey.forEach(s -> pool.add("connections." + parts[1] + "." + s));
                    }
                }
            }
            String suggestion = nearest(key, pool);
            problems.add(key + " is not a known key" + (suggestion != null && distance(key, suggestion)
                    <= Math.max(3, key.length() / 4) ? ": did you mean " + suggestion + "?" : ""));
        }
        return problems;
    }

    /** {@code csv.<edge>.<csv key>}: the keys of a copy of the CSV edge for another folder. */
    private static boolean isCsvCopyKey(String key, Set<String> csvSuffixes) {
        String[] parts = key.split("\\.", 3);
        return parts.length == 3 && csvSuffixes.contains(parts[2]);
    }

    private static Set<String> connectionKeys(Settings settings, ProviderRegistry providers, String name,
            Set<String> anyConnectionKey) {
        String provider = settings.get("connections." + name + ".provider");
        return providers.find(provider == null ? null : provider.toLowerCase(Locale.ROOT))
                .map(ProviderAdapter.class::cast).map(Connections::keys).orElse(anyConnectionKey);
    }

    private static String nearest(String word, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distance(word, c);
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        return best;
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
