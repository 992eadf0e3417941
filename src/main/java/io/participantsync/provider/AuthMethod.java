package io.participantsync.provider;

import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * How a connection authenticates, as data: either fixed headers (Oneflow), or an OAuth token obtained with a
 * {@link TokenRequest} and sent as {@code Authorization: <scheme> <token>}. The token request is built from the
 * current refresh token (providers that rotate refresh tokens hand back a new one); the auth package performs it.
 */
public sealed interface AuthMethod {

    record StaticHeaders(Map<String, String> headers) implements AuthMethod {

        /** Header names only: the values are credentials. */
        @Override
        public String toString() {
            return "StaticHeaders[" + (headers == null ? "[]" : new TreeSet<>(headers.keySet())) + "]";
        }
    }

    /**
     * @param scheme        the Authorization scheme, e.g. {@code Bearer} or {@code Zoho-oauthtoken}
     * @param tokenRequest  builds the token call from the newest refresh token (may ignore it)
     * @param staticToken   a configured access token to use before the first token request, or {@code null}
     */
    record OAuth(String scheme, Function<String, TokenRequest> tokenRequest, String staticToken)
            implements AuthMethod {

        /** Never shows the static token. */
        @Override
        public String toString() {
            return "OAuth[scheme=" + scheme + ", staticToken=" + (staticToken == null ? "none" : "***") + "]";
        }
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

        /**
         * Header and form names only, and the URL without its query: all of them may carry secrets (Basic
         * credentials, refresh tokens, Zoho's client secret in the query string).
         */
        @Override
        public String toString() {
            int q = url == null ? -1 : url.indexOf('?');
            String shownUrl = q < 0 ? url : url.substring(0, q) + "?***";
            return "TokenRequest[url=" + shownUrl + ", headers=" + new TreeSet<>(headers.keySet()) + ", form="
                    + new TreeSet<>(form.keySet()) + "]";
        }
    }
}
