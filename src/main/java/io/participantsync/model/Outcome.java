package io.participantsync.model;

import java.util.Locale;

/** The one outcome every record ends with. */
public enum Outcome {
    /** The provider accepted the change (2xx). */
    UPDATED,
    /** There was nothing to send; no call was made. */
    UNCHANGED,
    /** Invalid input or a permanent provider error: will not succeed without a change. Dead-lettered. */
    REJECTED,
    /** Transient errors exhausted the retry budget: may succeed later as it is. Dead-lettered. */
    FAILED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
