package io.participantsync.sandbox;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Access tokens issued by the sandbox's token endpoints: which provider and sandbox connection each belongs to and
 * when it expires. {@link #revokeAll()} forgets them all, so the next API call answers 401.
 */
final class TokenStore {

    /** One issued token. {@code scope} narrows where it is valid (Zoho: the data centre); may be empty. */
    record Issued(String provider, String account, String scope, long expiresAtNanos) {
    }

    private final Map<String, Issued> tokens = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    String issue(String prefix, String provider, String account, String scope, long ttlSeconds) {
        String token = prefix + randomHex(20);
        tokens.put(token, new Issued(provider, account, scope,
                System.nanoTime() + TimeUnit.SECONDS.toNanos(ttlSeconds)));
        return token;
    }

    /** The token's record when it was issued for {@code provider} (and {@code scope}) and has not expired. */
    Optional<Issued> check(String token, String provider, String scope) {
        if (token == null) {
            return Optional.empty();
        }
        Issued issued = tokens.get(token);
        if (issued == null || !issued.provider().equals(provider)
                || (scope != null && !scope.equals(issued.scope()))) {
            return Optional.empty();
        }
        if (System.nanoTime() - issued.expiresAtNanos() >= 0) {
            tokens.remove(token, issued);
            return Optional.empty();
        }
        return Optional.of(issued);
    }

    void revokeAll() {
        tokens.clear();
    }

    String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
