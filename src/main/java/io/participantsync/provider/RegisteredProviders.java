package io.participantsync.provider;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * What the providers registered in this JVM declare, for code that has no {@link ProviderRegistry} at hand: the
 * secret keys {@link Connection#toString()} hides, the canonical fields a CSV header or field mapping may name, the
 * sensitive fields every output masks. It always holds the standard providers (so a record is masked even before any
 * registry is built) and every provider a {@link ProviderRegistry} has been built with; each set is the union over
 * them. A provider once registered stays known here: these are only names of fields and keys (which
 * must stay masked), never a provider a registry resolves.
 */
public final class RegisteredProviders {

    /** One immutable state; replaced as a whole when a registry brings a provider or a fact not known yet. */
    private record Known(Map<String, ProviderAdapter> adapters, Set<String> locators, Set<String> changes,
            Set<String> sensitive, Set<String> secretKeys) {

        static final Known NONE = new Known(Map.of(), Set.of(), Set.of(), Set.of(), Set.of());

        Known with(Collection<ProviderAdapter> more) {
            Map<String, ProviderAdapter> byId = new LinkedHashMap<>(adapters);
            more.forEach(a -> byId.put(a.id(), a));
            return new Known(Collections.unmodifiableMap(byId),
                    union(locators, more, a -> a.fields().locators()),
                    union(changes, more, a -> a.fields().changes()),
                    union(sensitive, more, a -> a.fields().sensitive()),
                    union(secretKeys, more, ProviderAdapter::secretKeys));
        }

        private static Set<String> union(Set<String> known, Collection<ProviderAdapter> more,
                Function<ProviderAdapter, Set<String>> facts) {
            Set<String> out = new LinkedHashSet<>(known);
            more.forEach(a -> out.addAll(facts.apply(a)));
            return Collections.unmodifiableSet(out);
        }
    }

    private static volatile Known known = Known.NONE;

    private RegisteredProviders() {
    }

    /** Adds the facts of {@code adapters} (called for every registry built). */
    static synchronized void include(Collection<ProviderAdapter> adapters) {
        Known current = known;
        boolean same = adapters.stream().allMatch(a -> {
            ProviderAdapter k = current.adapters().get(a.id());
            return k != null && k.getClass() == a.getClass();
        });
        if (!same) {
            known = current.with(adapters);
        }
    }

    /** The facts known now; the standard providers always among them (their registry is built once, on first use). */
    private static Known current() {
        ProviderRegistry.standardDefaults();
        return known;
    }

    /** Every registered provider's locator fields. */
    public static Set<String> locators() {
        return current().locators();
    }

    /** Every registered provider's change fields. */
    public static Set<String> changes() {
        return current().changes();
    }

    /** Every registered provider's sensitive fields. */
    public static Set<String> sensitive() {
        return current().sensitive();
    }

    /** Every registered provider's secret connection keys. */
    public static Set<String> secretKeys() {
        return current().secretKeys();
    }
}
