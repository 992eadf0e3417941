package io.participantsync.provider;

import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Set;
import java.util.function.Supplier;

/**
 * An unmodifiable view of one of {@link RegisteredProviders}' sets, read anew on every call: a constant such as
 * {@link Connection#SECRET_KEYS} stays one object while the providers registered in the JVM grow.
 */
public final class RegisteredSet extends AbstractSet<String> {

    private final Supplier<Set<String>> current;

    /** @param current e.g. {@code RegisteredProviders::secretKeys} (read lazily: building the view reads nothing) */
    public RegisteredSet(Supplier<Set<String>> current) {
        this.current = current;
    }

    @Override
    public boolean contains(Object o) {
        return current.get().contains(o);
    }

    @Override
    public Iterator<String> iterator() {
        return current.get().iterator();
    }

    @Override
    public int size() {
        return current.get().size();
    }
}
