package io.participantsync.provider;

import io.participantsync.provider.eviasign.EviaSignAdapter;
import io.participantsync.provider.oneflow.OneflowAdapter;
import io.participantsync.provider.signinghub.SigningHubAdapter;
import io.participantsync.provider.zigned.ZignedAdapter;
import io.participantsync.provider.zoho.ZohoAdapter;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Resolves provider adapters by id. Adding a provider means one package and one line in {@link #standard}; a
 * provider outside this code base is named in the {@code providers.extra} setting instead ({@link #configured}).
 * Every registry built adds its providers to {@link RegisteredProviders}.
 */
public final class ProviderRegistry {

    private final Map<String, ProviderAdapter> adapters = new LinkedHashMap<>();

    /** @throws IllegalArgumentException when two adapters have the same id */
    public ProviderRegistry(Collection<ProviderAdapter> adapters) {
        for (ProviderAdapter a : adapters) {
            if (this.adapters.putIfAbsent(a.id(), a) != null) {
                throw new IllegalArgumentException("provider '" + a.id() + "' is registered twice ("
                        + this.adapters.get(a.id()).getClass().getName() + ", " + a.getClass().getName() + ")");
            }
        }
        RegisteredProviders.include(this.adapters.values());
    }

    /**
     * The five providers, each given its {@code providers.<id>.*} settings (without the prefix), e.g. Oneflow's
     * enum lists.
     */
    public static ProviderRegistry standard(Function<String, Map<String, String>> providerSettings) {
        return new ProviderRegistry(List.of(
                new OneflowAdapter(providerSettings.apply("oneflow")),
                new ZignedAdapter(providerSettings.apply("zigned")),
                new SigningHubAdapter(providerSettings.apply("signinghub")),
                new EviaSignAdapter(providerSettings.apply("eviasign")),
                new ZohoAdapter(providerSettings.apply("zoho"))
        ));
    }

    /**
     * The standard providers with their default settings (no {@code providers.<id>.*}), built once: for code that
     * has no configured registry at hand (connections made directly, e.g. in tests).
     */
    public static ProviderRegistry standardDefaults() {
        return StandardDefaults.REGISTRY;
    }

    private static final class StandardDefaults {
        static final ProviderRegistry REGISTRY = standard(id -> Map.of());
    }

    /**
     * The standard providers plus the adapter classes named in {@code extra} (the {@code providers.extra} setting:
     * fully qualified class names, comma-separated; blank = none), loaded from the classpath. An extra adapter class
     * implements {@link ProviderAdapter} and has a public constructor taking the provider-settings function (it
     * reads its own {@code providers.<id>.*} with it) or a public constructor without parameters.
     *
     * @throws IllegalArgumentException naming the problem: a class not found, not an adapter, without such a
     *                                  constructor, failing to construct, or an id that is already registered
     */
    public static ProviderRegistry configured(Function<String, Map<String, String>> providerSettings, String extra) {
        List<ProviderAdapter> adapters = new ArrayList<>(standard(providerSettings).adapters());
        if (extra != null) {
            for (String name : extra.split(",")) {
                if (!name.isBlank()) {
                    adapters.add(load(name.strip(), providerSettings));
                }
            }
        }
        return new ProviderRegistry(adapters);
    }

    private static ProviderAdapter load(String className, Function<String, Map<String, String>> providerSettings) {
        Class<?> type;
        try {
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            type = Class.forName(className, true, loader != null ? loader : ProviderRegistry.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalArgumentException("class '" + className + "' is not on the classpath");
        }
        if (!ProviderAdapter.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException("class '" + className + "' does not implement "
                    + ProviderAdapter.class.getName());
        }
        try {
            try {
                Constructor<?> withSettings = type.getConstructor(Function.class);
                return (ProviderAdapter) withSettings.newInstance(providerSettings);
            } catch (NoSuchMethodException noSettings) {
                return (ProviderAdapter) type.getConstructor().newInstance();
            }
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException("class '" + className + "' has no public constructor taking the "
                    + "provider settings (java.util.function.Function) or nothing");
        } catch (InvocationTargetException e) {
            throw new IllegalArgumentException("class '" + className + "' cannot be constructed: "
                    + e.getCause().getMessage(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("class '" + className + "' cannot be constructed: " + e.getMessage(), e);
        }
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

    /** Every adapter, in registration order. */
    public Collection<ProviderAdapter> adapters() {
        return Collections.unmodifiableCollection(adapters.values());
    }
}
