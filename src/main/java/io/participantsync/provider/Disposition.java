package io.participantsync.provider;

/** What a provider's HTTP status means for the record. */
public enum Disposition {
    /** 2xx: the change was applied. */
    SUCCESS,
    /** Transient: connection error, timeout, 408, 429, 5xx: retry with backoff. */
    RETRY,
    /** 401: fetch a new token once, then try again. */
    REAUTHENTICATE,
    /** Any other status: permanent, dead-letter with the provider's message. */
    REJECT;

    /** The classification providers.md gives for every provider. */
    public static Disposition of(int status) {
        if (status >= 200 && status < 300) {
            return SUCCESS;
        }
        if (status == 401) {
            return REAUTHENTICATE;
        }
        if (status == 408 || status == 429 || status == 500 || status == 502 || status == 503 || status == 504) {
            return RETRY;
        }
        return REJECT;
    }
}
