package io.participantsync.provider.zigned;

/**
 * The fixed credentials the sandbox's Zigned simulator accepts, one set per sandbox connection. They only open the
 * in-process simulator: never use them against a real provider.
 */
public final class ZignedSandboxCredentials {

    /** The connection name, as used in {@code connections.<name>.*} and in {@code AppliedEdit#account()}. */
    public static final String ZIGNED = "zigned";

    public static final String ZIGNED_CLIENT_ID_LOCAL_DEV_ONLY = "sandbox-zigned-client";
    public static final String ZIGNED_CLIENT_SECRET_LOCAL_DEV_ONLY = "sandbox-zigned-secret-local-dev-only";

    private ZignedSandboxCredentials() {
    }
}
