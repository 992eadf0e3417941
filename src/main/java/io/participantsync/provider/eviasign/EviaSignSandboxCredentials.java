package io.participantsync.provider.eviasign;

/**
 * The fixed credentials the sandbox's Evia Sign simulator accepts, one set per sandbox connection. They only open the
 * in-process simulator: never use them against a real provider.
 */
public final class EviaSignSandboxCredentials {

    /** The connection name, as used in {@code connections.<name>.*} and in {@code AppliedEdit#account()}. */
    public static final String EVIASIGN = "eviasign";

    public static final String EVIASIGN_CLIENT_ID_LOCAL_DEV_ONLY = "sandbox-eviasign-client";
    public static final String EVIASIGN_CLIENT_SECRET_LOCAL_DEV_ONLY = "sandbox-eviasign-secret-local-dev-only";
    public static final String EVIASIGN_REFRESH_TOKEN_LOCAL_DEV_ONLY = "sandbox-eviasign-refresh-local-dev-only";
    public static final String EVIASIGN_AUDIT_AUTHOR_TYPE = "API";
    public static final String EVIASIGN_AUDIT_AUTHOR_IP = "127.0.0.1";
    public static final String EVIASIGN_AUDIT_DEVICE = "participant-sync";

    private EviaSignSandboxCredentials() {
    }
}
