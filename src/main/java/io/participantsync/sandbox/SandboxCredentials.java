package io.participantsync.sandbox;

/**
 * The fixed credentials the sandbox accepts, one set per sandbox connection. They only open the in-process
 * simulators: never use them against a real provider.
 */
public final class SandboxCredentials {

    /** Connection names, as used in {@code connections.<name>.*} and in {@link AppliedEdit#account()}. */
    public static final String ONEFLOW = "oneflow";
    public static final String ONEFLOW_ACME = "oneflow-acme";
    public static final String ZIGNED = "zigned";
    public static final String SIGNINGHUB = "signinghub";
    public static final String EVIASIGN = "eviasign";
    public static final String ZOHO = "zoho";
    public static final String ZOHO_EU = "zoho-eu";

    // Oneflow: 40-character account API tokens plus the user email of the same account.
    public static final String ONEFLOW_API_TOKEN_LOCAL_DEV_ONLY = "sandbox-oneflow-main-local-dev-only-0001";
    public static final String ONEFLOW_USER_EMAIL_LOCAL_DEV_ONLY = "sync-bot@example.com";
    public static final String ONEFLOW_ACME_API_TOKEN_LOCAL_DEV_ONLY = "sandbox-oneflow-acme-local-dev-only-0002";
    public static final String ONEFLOW_ACME_USER_EMAIL_LOCAL_DEV_ONLY = "sync-bot@acme.example.org";

    public static final String ZIGNED_CLIENT_ID_LOCAL_DEV_ONLY = "sandbox-zigned-client";
    public static final String ZIGNED_CLIENT_SECRET_LOCAL_DEV_ONLY = "sandbox-zigned-secret-local-dev-only";

    public static final String SIGNINGHUB_CLIENT_ID_LOCAL_DEV_ONLY = "sandbox-signinghub-client";
    public static final String SIGNINGHUB_CLIENT_SECRET_LOCAL_DEV_ONLY = "sandbox-signinghub-secret-local-dev-only";
    public static final String SIGNINGHUB_USERNAME_LOCAL_DEV_ONLY = "integration@example.com";
    public static final String SIGNINGHUB_PASSWORD_LOCAL_DEV_ONLY = "sandbox-signinghub-password-local-dev-only";

    public static final String EVIASIGN_CLIENT_ID_LOCAL_DEV_ONLY = "sandbox-eviasign-client";
    public static final String EVIASIGN_CLIENT_SECRET_LOCAL_DEV_ONLY = "sandbox-eviasign-secret-local-dev-only";
    public static final String EVIASIGN_REFRESH_TOKEN_LOCAL_DEV_ONLY = "sandbox-eviasign-refresh-local-dev-only";
    public static final String EVIASIGN_AUDIT_AUTHOR_TYPE = "API";
    public static final String EVIASIGN_AUDIT_AUTHOR_IP = "127.0.0.1";
    public static final String EVIASIGN_AUDIT_DEVICE = "participant-sync";

    public static final String ZOHO_CLIENT_ID_LOCAL_DEV_ONLY = "1000.SANDBOXZOHOCOMCLIENT";
    public static final String ZOHO_CLIENT_SECRET_LOCAL_DEV_ONLY = "sandbox-zoho-com-secret-local-dev-only";
    public static final String ZOHO_REFRESH_TOKEN_LOCAL_DEV_ONLY = "1000.sandbox-zoho-com-refresh-local-dev-only";

    public static final String ZOHO_EU_CLIENT_ID_LOCAL_DEV_ONLY = "1000.SANDBOXZOHOEUCLIENT";
    public static final String ZOHO_EU_CLIENT_SECRET_LOCAL_DEV_ONLY = "sandbox-zoho-eu-secret-local-dev-only";
    public static final String ZOHO_EU_REFRESH_TOKEN_LOCAL_DEV_ONLY = "1000.sandbox-zoho-eu-refresh-local-dev-only";

    private SandboxCredentials() {
    }
}
