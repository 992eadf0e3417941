package io.participantsync.provider.acme;

/** The key the sandbox's Acme simulator accepts (tests only). */
public final class AcmeSandboxCredentials {

    /** The connection name, as used in {@code connections.<name>.*} and in {@code AppliedEdit#account()}. */
    public static final String ACME = "acme";
    public static final String ACME_API_KEY_LOCAL_DEV_ONLY = "sandbox-acme-key-local-dev-only";

    private AcmeSandboxCredentials() {
    }
}
