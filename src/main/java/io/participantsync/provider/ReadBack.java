package io.participantsync.provider;

import com.fasterxml.jackson.databind.JsonNode;
import io.participantsync.model.ProviderError;
import java.util.Iterator;
import java.util.Map;

/**
 * Compares the body an adapter sends with the participant a provider's read returns, to verify after a lost answer
 * that an edit is in effect. Used by the adapters' {@link ProviderAdapter#verify} implementations.
 */
public final class ReadBack {

    private ReadBack() {
    }

    /**
     * {@code true} when every field of {@code sent} that {@code actual} also has holds the same value (objects
     * compared field by field, text ignoring case only when both values are email addresses), and at least one field
     * was compared. Fields the read does not return (secrets, write-only fields) cannot be verified and are skipped.
     */
    public static boolean shows(JsonNode sent, JsonNode actual) {
        return compare(sent, actual) > 0;
    }

    /**
     * For idempotent providers, whose retry repeats the same edit: any permanent client error (4xx other than 401,
     * 408, 429) after a lost answer is worth checking with the read, which alone decides.
     */
    public static boolean anyClientError(ProviderError error) {
        int s = error.status();
        return s >= 400 && s < 500 && s != 401 && s != 408 && s != 429;
    }

    /** Number of leaf fields compared, or -1 on the first difference. */
    private static int compare(JsonNode sent, JsonNode actual) {
        if (sent == null || actual == null || !sent.isObject() || !actual.isObject()) {
            return 0;
        }
        int compared = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = sent.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode have = actual.get(e.getKey());
            if (have == null) {
                continue;
            }
            JsonNode want = e.getValue();
            if (want.isObject()) {
                int inner = compare(want, have);
                if (inner < 0) {
                    return -1;
                }
                compared += inner;
                continue;
            }
            if (!same(want, have)) {
                return -1;
            }
            compared++;
        }
        return compared;
    }

    private static boolean same(JsonNode want, JsonNode have) {
        if (want.isNull() || have.isNull()) {
            return want.isNull() && have.isNull();
        }
        String w = want.asText();
        String h = have.asText();
        if (w.equals(h)) {
            return true;
        }
        return Validation.isEmail(w) && Validation.isEmail(h) && w.equalsIgnoreCase(h);
    }
}
