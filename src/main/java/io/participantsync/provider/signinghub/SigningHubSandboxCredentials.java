package io.participantsync.provider.signinghub;

/**
 * The fixed credentials the sandbox's SigningHub simulator accepts, one set per sandbox connection. They only open the
 * in-process simulator: never use them against a real provider.
 */
public final class SigningHubSandboxCredentials {

    /** The connection name, as used in {@code connections.<name>.*} and in {@code AppliedEdit#account()}. */
    public static final String SIGNINGHUB = "signinghub";

    public static final String SIGNINGHUB_CLIENT_ID_LOCAL_DEV_ONLY = "sandbox-signinghub-client";
    public static final String SIGNINGHUB_CLIENT_SECRET_LOCAL_DEV_ONLY = "sandbox-signinghub-secret-local-dev-only";
    public static final String SIGNINGHUB_USERNAME_LOCAL_DEV_ONLY = "integration@example.com";
    public static final String SIGNINGHUB_PASSWORD_LOCAL_DEV_ONLY = "sandbox-signinghub-password-local-dev-only";

    private SigningHubSandboxCredentials() {
    }
}
