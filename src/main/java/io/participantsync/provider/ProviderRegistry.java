package io.participantsync.provider;

import io.participantsync.provider.eviasign.EviaSignAdapter;
import io.participantsync.provider.oneflow.OneflowAdapter;
import io.participantsync.provider.signinghub.SigningHubAdapter;
import io.participantsync.provider.zigned.ZignedAdapter;
import io.participantsync.provider.zoho.ZohoAdapter;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** Resolves provider adapters by id. Adding a provider means one package and one line in {@link #standard}. */
public final class ProviderRegistry {

    private final Map<String, ProviderAdapter> adapters = new LinkedHashMap<>();

    public ProviderRegistry(Collection<ProviderAdapter> adapters) {
        adapters.forEach(a -> this.adapters.put(a.id(), a));
    }

    /**
     * The five providers, each given its {@code providers.<id>.*} settings (without the prefix), e.g. Oneflow's
     * enum lists.
     */
    public static ProviderRegistry standard(Function<String, Map<String, String>> providerSettings) {
        return new ProviderRegistry(java.util.List.of(
                new OneflowAdapter(providerSettings.apply("oneflow")),
                new ZignedAdapter(providerSettings.apply("zigned")),
                new SigningHubAdapter(providerSettings.apply("signinghub")),
                new EviaSignAdapter(providerSettings.apply("eviasign")),
                new ZohoAdapter(providerSettings.apply("zoho"))
        ));
    }

    public Optional<ProviderAdapter> find(String id) {
        return Optional.ofNullable(id == null ? null : adapters.get(id));
    }

    public ProviderAdapter get(String id) {
        return find(id).orElseThrow(() -> new IllegalArgumentException("unknown provider '" + id + "'"));
    }

    public Collection<String> ids() {
        return adapters.keySet();
    }
}
