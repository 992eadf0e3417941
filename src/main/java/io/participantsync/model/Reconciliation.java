package io.participantsync.model;

/**
 * How an {@code updated} outcome was reached when an earlier attempt's answer was lost (timeout, reset) and the edit
 * turned out to be applied already: {@code verified} when the provider's read showed the update in effect,
 * unverified when the provider has no read (Evia Sign) and only its refusal of the retry says so. {@code message}
 * explains it for the report; it carries no field values.
 */
public record Reconciliation(boolean verified, String message) {
}
