package io.participantsync.provider;

import java.util.Map;
import java.util.function.Function;

/**
 * How a connection authenticates, as data: either fixed headers (Oneflow), or an OAuth token obtained with a
 * {@link TokenRequest} and sent as {@code Authorization: <scheme> <token>}. The token request is built from the
 * current refresh token (providers that rotate refresh tokens hand back a new one); the auth package performs it.
 */
public sealed interface AuthMethod {

    record StaticHeaders(Map<String, String> headers) implements AuthMethod {
    }

    /**
     * @param scheme        the Authorization scheme, e.g. {@code Bearer} or {@code Zoho-oauthtoken}
     * @param tokenRequest  builds the token call from the newest refresh token (may ignore it)
     * @param staticToken   a configured access token to use before the first token request, or {@code null}
     */
    record OAuth(String scheme, Function<String, TokenRequest> tokenRequest, String staticToken)
            implements AuthMethod {
    }

    /**
     * A token endpoint call: POST to {@code url} (which may carry a query string, as Zoho's does) with the given
     * headers and form-encoded body (may be empty).
     */
    record TokenRequest(String url, Map<String, String> headers, Map<String, String> form) {
        public TokenRequest {
            headers = headers == null ? Map.of() : Map.copyOf(headers);
            form = form == null ? Map.of() : Map.copyOf(form);
        }
    }
}
