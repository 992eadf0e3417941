package io.participantsync.model;

/** One reason a record cannot be sent: the field at fault ({@code null} for the whole record) and why. */
public record Problem(String field, String reason) {

    public static Problem of(String field, String reason) {
        return new Problem(field, reason);
    }

    @Override
    public String toString() {
        return field == null ? reason : field + ": " + reason;
    }
}
