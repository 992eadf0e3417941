package io.participantsync.intake;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Who may call the HTTP API: {@code Authorization: Bearer <key>} with one of the configured keys
 * ({@code http.api-keys}), compared in constant time; with no key configured, only loopback clients. Keys never
 * appear in messages or {@link #toString()}.
 */
public final class ApiKeys {

    static final String CHALLENGE = "Bearer realm=\"participant-sync\"";
    /** The one scope of every caller when no key is configured (loopback clients only). */
    public static final String LOOPBACK_SCOPE = "loopback";
    /** Domain tag of a scope's hash: the scope is not the plain SHA-256 of the key. */
    private static final byte[] SCOPE_TAG = "participant-sync idempotency scope\0".getBytes(StandardCharsets.UTF_8);

    /** SHA-256 of each key: equal-length digests make the comparison independent of the keys' lengths. */
    private final List<byte[]> digests;

    private ApiKeys(List<byte[]> digests) {
        this.digests = List.copyOf(digests);
    }

    /** Keys from a comma-separated list (blank entries ignored); {@code null} or blank means none. */
    public static ApiKeys parse(String commaSeparated) {
        List<byte[]> digests = new ArrayList<>();
        if (commaSeparated != null) {
            for (String key : commaSeparated.split(",")) {
                if (!key.isBlank()) {
                    digests.add(sha256(key.trim()));
                }
            }
        }
        return new ApiKeys(digests);
    }

    public boolean isEmpty() {
        return digests.isEmpty();
    }

    /**
     * Lets the request through or throws the problem to answer: 401 for a missing or wrong key, 403 for a
     * non-loopback client when no key is configured.
     *
     * @param authorization the {@code Authorization} header, may be null
     * @param remote        the client's address, null when unknown (treated as not loopback)
     * @return the caller's scope (what its {@code Idempotency-Key}s belong to): {@code key-} and 16 hex digits of a
     *         tagged hash of the key presented, never the key itself; {@link #LOOPBACK_SCOPE} when no key is configured
     */
    public String check(String authorization, InetAddress remote) {
        if (digests.isEmpty()) {
            if (remote == null || !remote.isLoopbackAddress()) {
                throw ApiProblem.of(403, "loopback-only", "Forbidden", "no API key is configured (http.api-keys): "
                        + "the API accepts requests from loopback clients only");
            }
            return LOOPBACK_SCOPE;
        }
        if (authorization == null || authorization.isBlank()) {
            throw ApiProblem.of(401, "unauthorized", "Unauthorized",
                    "missing API key: send the header 'Authorization: Bearer <key>'")
                    .withHeader("WWW-Authenticate", CHALLENGE);
        }
        String value = authorization.trim();
        if (value.length() < 7 || !value.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            throw ApiProblem.of(401, "unauthorized", "Unauthorized",
                    "the Authorization header must use the Bearer scheme: 'Authorization: Bearer <key>'")
                    .withHeader("WWW-Authenticate", CHALLENGE);
        }
        String presented = value.substring(7).trim();
        if (!matches(presented)) {
            throw ApiProblem.of(401, "unauthorized", "Unauthorized", "the API key is not valid")
                    .withHeader("WWW-Authenticate", CHALLENGE + ", error=\"invalid_token\"");
        }
        return scope(presented);
    }

    /** A stable, non-secret name of a key: the same on every instance configured with it, distinct per key. */
    static String scope(String key) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(SCOPE_TAG);
            sha.update(sha256(key));
            return "key-" + HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Compares against every key, without stopping at the first match, so timing says nothing about which. */
    boolean matches(String presented) {
        byte[] digest = sha256(presented);
        boolean found = false;
        for (byte[] key : digests) {
            found |= MessageDigest.isEqual(key, digest);
        }
        return found;
    }

    private static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "ApiKeys[" + digests.size() + " configured]";
    }
}
