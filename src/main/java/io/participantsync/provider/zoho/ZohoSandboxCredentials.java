package io.participantsync.provider.zoho;

/**
 * The fixed credentials the sandbox's Zoho Contracts simulator accepts, one set per sandbox connection. They only open
 * the in-process simulator: never use them against a real provider.
 */
public final class ZohoSandboxCredentials {

    /** Connection names, as used in {@code connections.<name>.*} and in {@code AppliedEdit#account()}. */
    public static final String ZOHO = "zoho";
    public static final String ZOHO_EU = "zoho-eu";

    public static final String ZOHO_CLIENT_ID_LOCAL_DEV_ONLY = "1000.SANDBOXZOHOCOMCLIENT";
    public static final String ZOHO_CLIENT_SECRET_LOCAL_DEV_ONLY = "sandbox-zoho-com-secret-local-dev-only";
    public static final String ZOHO_REFRESH_TOKEN_LOCAL_DEV_ONLY = "1000.sandbox-zoho-com-refresh-local-dev-only";

    public static final String ZOHO_EU_CLIENT_ID_LOCAL_DEV_ONLY = "1000.SANDBOXZOHOEUCLIENT";
    public static final String ZOHO_EU_CLIENT_SECRET_LOCAL_DEV_ONLY = "sandbox-zoho-eu-secret-local-dev-only";
    public static final String ZOHO_EU_REFRESH_TOKEN_LOCAL_DEV_ONLY = "1000.sandbox-zoho-eu-refresh-local-dev-only";

    private ZohoSandboxCredentials() {
    }
}
