package io.participantsync.provider.oneflow;

/**
 * The fixed credentials the sandbox's Oneflow simulator accepts, one set per sandbox connection. They only open the
 * in-process simulator: never use them against a real provider.
 */
public final class OneflowSandboxCredentials {

    /** Connection names, as used in {@code connections.<name>.*} and in {@code AppliedEdit#account()}. */
    public static final String ONEFLOW = "oneflow";
    public static final String ONEFLOW_ACME = "oneflow-acme";

    // 40-character account API tokens plus the user email of the same account.
    public static final String ONEFLOW_API_TOKEN_LOCAL_DEV_ONLY = "sandbox-oneflow-main-local-dev-only-0001";
    public static final String ONEFLOW_USER_EMAIL_LOCAL_DEV_ONLY = "sync-bot@example.com";
    public static final String ONEFLOW_ACME_API_TOKEN_LOCAL_DEV_ONLY = "sandbox-oneflow-acme-local-dev-only-0002";
    public static final String ONEFLOW_ACME_USER_EMAIL_LOCAL_DEV_ONLY = "sync-bot@acme.example.org";

    private OneflowSandboxCredentials() {
    }
}
