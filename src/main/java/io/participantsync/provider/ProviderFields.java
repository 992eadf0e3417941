package io.participantsync.provider;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The canonical fields one provider knows: its {@code locators} (which participant: CSV columns such as
 * {@code contract_id}), its {@code changes} (what it can set: {@code name}, {@code email}...) and, among those, the
 * {@code sensitive} ones (personal numbers, OTP codes: sent to the provider, never written to logs, reports or dead
 * letters). Each set keeps the order it was declared in. The global sets of
 * {@link io.participantsync.model.CanonicalFields} are the union of every registered provider's.
 */
public record ProviderFields(Set<String> locators, Set<String> changes, Set<String> sensitive) {

    public ProviderFields {
        locators = ordered(locators);
        changes = ordered(changes);
        sensitive = ordered(sensitive);
        for (String s : sensitive) {
            if (!locators.contains(s) && !changes.contains(s)) {
                throw new IllegalArgumentException("sensitive field '" + s + "' is neither a locator nor a change");
            }
        }
    }

    /** Fields in the order given; {@code sensitive} lists those of them whose values must never be shown. */
    public static ProviderFields of(List<String> locators, List<String> changes, List<String> sensitive) {
        return new ProviderFields(new LinkedHashSet<>(locators), new LinkedHashSet<>(changes),
                new LinkedHashSet<>(sensitive));
    }

    /** Every field a record for this provider may carry: its locators, then its changes. */
    public Set<String> all() {
        Set<String> all = new LinkedHashSet<>(locators);
        all.addAll(changes);
        return Collections.unmodifiableSet(all);
    }

    private static Set<String> ordered(Collection<String> fields) {
        return Collections.unmodifiableSet(new LinkedHashSet<>(fields));
    }
}
