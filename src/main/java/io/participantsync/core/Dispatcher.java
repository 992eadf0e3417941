package io.participantsync.core;

import io.participantsync.config.Connections;
import io.participantsync.model.CanonicalFields;
import io.participantsync.model.ParticipantUpdate;
import io.participantsync.model.Problem;
import io.participantsync.provider.ProviderAdapter;
import io.participantsync.provider.ProviderRegistry;
import io.participantsync.provider.ProviderRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides each record's {@link Plan}: resolves provider and connection, runs the provider's validation and builds
 * its request; a record its {@link ChangeDetector} knows as already applied is planned unchanged, a record whose
 * source row already has a final outcome in its {@link Checkpoints} (a run interrupted by a crash) is planned
 * {@link Plan.Resumed}, and one whose row has only a write-ahead mark is delivered {@link Plan.Deliver#inDoubt() in
 * doubt} (the provider's read decides before it is sent again). Shared by the delivery route and the {@code validate} command, so a dry run shows exactly
 * what a real run would do.
 */
public final class Dispatcher {

    /** Columns a dead-letter CSV adds; ignored when a fixed file is dropped back into the inbox. */
    public static final Set<String> DEAD_LETTER_COLUMNS = Set.of("error_category", "error_message");

    private final ProviderRegistry providers;
    private final Connections connections;
    private final ChangeDetector changes;
    private final Checkpoints checkpoints;
    /** Sources open in a batch now, by source id (changed only under this object's lock). */
    private final Map<String, OpenSource> openSources = new ConcurrentHashMap<>();

    public Dispatcher(ProviderRegistry providers, Connections connections) {
        this(providers, connections, ChangeDetector.NONE);
    }

    public Dispatcher(ProviderRegistry providers, Connections connections, ChangeDetector changes) {
        this(providers, connections, changes, Checkpoints.NONE);
    }

    public Dispatcher(ProviderRegistry providers, Connections connections, ChangeDetector changes,
            Checkpoints checkpoints) {
        this.providers = providers;
        this.connections = connections;
        this.changes = changes;
        this.checkpoints = checkpoints;
    }

    /**
     * A batch whose records are checkpointed under {@code sourceId} opens. If no row of that source has a
     * checkpoint now and no other batch has it open, its rows are planned without looking one up (none can appear
     * but by this batch itself, which saves each row's checkpoint once, after that row's outcome). Every call must
     * be matched by {@link #sourceClosed}.
     */
    public synchronized void sourceOpened(String sourceId) {
        OpenSource open = openSources.get(sourceId);
        if (open == null) {
            boolean none;
            try {
                none = !checkpoints.exists(sourceId);
            } catch (RuntimeException storeFailed) {
                // look every row up instead (each look-up fails or answers on its own)
                none = false;
            }
            openSources.put(sourceId, new OpenSource(none));
        } else {
            // two batches of one source at once: each may meet the other's checkpoints, so both look them up
            open.batches++;
            open.fresh = false;
        }
    }

    public synchronized void sourceClosed(String sourceId) {
        OpenSource open = openSources.get(sourceId);
        if (open != null && --open.batches == 0) {
            openSources.remove(sourceId);
        }
    }

    private boolean fresh(String sourceId) {
        OpenSource open = openSources.get(sourceId);
        return open != null && open.fresh;
    }

    public Plan plan(ParticipantUpdate raw) {
        ParticipantUpdate update = withoutDeadLetterColumns(raw);
        String sourceId = update.source() == null ? null : update.source().sourceId();
        boolean inDoubt = false;
        if (sourceId != null && !fresh(sourceId)) {
            Optional<Checkpoint> found = checkpoints.find(sourceId, update.source().row());
            if (found.isPresent() && !found.get().inDoubt()) {
                return new Plan.Resumed(update, found.get());
            }
            inDoubt = found.isPresent();
        }
        List<Problem> problems = new ArrayList<>(update.problems());
        if (!problems.isEmpty()) {
            return new Plan.Reject(update, update.connection(), problems);
        }
        if (update.provider() == null) {
            return reject(update, Problem.of(CanonicalFields.PROVIDER, "is required (one of "
                    + String.join(", ", providers.ids()) + ")"));
        }
        Optional<ProviderAdapter> adapter = providers.find(update.provider());
        if (adapter.isEmpty()) {
            return reject(update, Problem.of(CanonicalFields.PROVIDER, "'" + update.provider() + "' is not one of "
                    + String.join(", ", providers.ids())));
        }
        Connections.Resolution resolution = connections.resolve(update.provider(), update.connection());
        if (resolution.connection() == null) {
            return reject(update, Problem.of(CanonicalFields.CONNECTION, resolution.error()));
        }
        problems.addAll(adapter.get().validate(update, resolution.connection()));
        if (!problems.isEmpty()) {
            return new Plan.Reject(update, resolution.connection().name(), problems);
        }
        Optional<ProviderRequest> request = adapter.get().buildRequest(update, resolution.connection());
        if (request.isEmpty() || changes.alreadyApplied(update, resolution.connection())) {
            return new Plan.Unchanged(update, resolution.connection());
        }
        return new Plan.Deliver(update, resolution.connection(), adapter.get(), request.get(), inDoubt);
    }

    private static Plan reject(ParticipantUpdate update, Problem problem) {
        return new Plan.Reject(update, update.connection(), List.of(problem));
    }

    private static ParticipantUpdate withoutDeadLetterColumns(ParticipantUpdate u) {
        if (DEAD_LETTER_COLUMNS.stream().noneMatch(u::has)) {
            return u;
        }
        Map<String, String> fields = new LinkedHashMap<>(u.fields());
        DEAD_LETTER_COLUMNS.forEach(fields::remove);
        return new ParticipantUpdate(u.provider(), u.connection(), fields, u.source(), u.problems());
    }

    /** A source open in {@code batches} batches; {@code fresh} while its rows need no checkpoint look-up. */
    private static final class OpenSource {
        int batches = 1;
        volatile boolean fresh;

        OpenSource(boolean fresh) {
            this.fresh = fresh;
        }
    }
}
