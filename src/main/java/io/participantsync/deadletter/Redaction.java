package io.participantsync.deadletter;

import io.participantsync.model.CanonicalFields;
import io.participantsync.model.ParticipantUpdate;

/** Removes a record's sensitive values (personal numbers, OTP codes) from any text, e.g. a provider's message. */
public final class Redaction {

    private Redaction() {
    }

    public static String redact(String text, ParticipantUpdate update) {
        if (text == null || update == null) {
            return text;
        }
        String out = text;
        for (String field : CanonicalFields.SENSITIVE) {
            String v = update.get(field);
            if (v != null && v.length() >= 3) {
                out = out.replace(v, CanonicalFields.MASK);
            }
        }
        return out;
    }
}
