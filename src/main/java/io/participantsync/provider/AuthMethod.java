package io.participantsync.provider;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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
            return "StaticHeaders" + new TreeMap<>(headers).keySet();
        }
    }

    /**
     * @param scheme        the Authorization scheme, e.g. {@code Bearer} or {@code Zoho-oauthtoken}
     * @param tokenRequest  builds the token call from the newest refresh token (may ignore it)
     * @param staticToken   a configured access token to use before the first token request, or {@code null}
     */
    record OAuth(String scheme, Function<String, TokenRequest> tokenRequest, String staticToken)
            implements AuthMethod {

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

        /** Form fields whose values may be shown; every other value (secrets, tokens, passwords) is masked. */
        private static final Set<String> SHOWN_FORM_FIELDS = Set.of("grant_type", "client_id", "username", "scope");

        public TokenRequest {
            headers = headers == null ? Map.of() : Map.copyOf(headers);
            form = form == null ? Map.of() : Map.copyOf(form);
        }

        /** Masks the query string (Zoho puts secrets there), the Authorization header and secret form values. */
        @Override
        public String toString() {
            int q = url == null ? -1 : url.indexOf('?');
            String shownUrl = q < 0 ? url : url.substring(0, q) + "?***";
            Map<String, String> shownHeaders = new TreeMap<>();
            headers.forEach((k, v) -> shownHeaders.put(k, k.equalsIgnoreCase("Authorization") ? "***" : v));
            Map<String, String> shownForm = new TreeMap<>();
            form.forEach((k, v) -> shownForm.put(k, SHOWN_FORM_FIELDS.contains(k) ? v : "***"));
            return "TokenRequest[url=" + shownUrl + ", headers=" + shownHeaders + ", form=" + shownForm + "]";
        }
    }
}
