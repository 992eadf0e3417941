package io.participantsync.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;

/**
 * What the simulators share: knobs, issued tokens, the edit log, the JSON mapper and the server's own URL. Made by
 * the {@link SandboxServer}; simulators reach tokens and the edit log through {@link ProviderSimulator}'s helpers.
 */
public final class SimulatorContext {

    private final SandboxKnobs knobs;
    private final TokenStore tokens = new TokenStore();
    private final Queue<AppliedEdit> edits = new ConcurrentLinkedQueue<>();
    private final ObjectMapper mapper;
    private final Supplier<String> url;

    SimulatorContext(SandboxKnobs knobs, ObjectMapper mapper, Supplier<String> url) {
        this.knobs = knobs;
        this.mapper = mapper;
        this.url = url;
    }

    public SandboxKnobs knobs() {
        return knobs;
    }

    TokenStore tokens() {
        return tokens;
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    public String url() {
        return url.get();
    }

    Queue<AppliedEdit> edits() {
        return edits;
    }

    void record(String provider, String account, String locator, String fieldsJson) {
        if (knobs.recordEdits()) {
            edits.add(new AppliedEdit(provider, account, locator, fieldsJson, System.nanoTime(), Instant.now()));
        }
    }
}
