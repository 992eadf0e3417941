package io.participantsync.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * One successful mutating call the sandbox accepted: the provider, the sandbox connection whose credentials made it
 * ({@code account}, e.g. {@code oneflow-acme}), the participant's locator key (see {@link SandboxServer#participant}),
 * the JSON body applied, and when (monotonic {@code nanoTime} for ordering, wall-clock {@code at}).
 * {@link #toString()} names the fields but shows no values, since bodies may carry personal numbers and OTP codes.
 */
public record AppliedEdit(String provider, String account, String locator, String fieldsJson, long nanoTime,
        Instant at) {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The applied body as a JSON tree. */
    public JsonNode fields() {
        try {
            return MAPPER.readTree(fieldsJson);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("applied edit holds invalid JSON", e);
        }
    }

    @Override
    public String toString() {
        List<String> names = new ArrayList<>();
        Iterator<String> it = fields().fieldNames();
        it.forEachRemaining(names::add);
        return "AppliedEdit[" + provider + ", account=" + account + ", locator=" + locator + ", fields=" + names
                + ", at=" + at + "]";
    }
}
