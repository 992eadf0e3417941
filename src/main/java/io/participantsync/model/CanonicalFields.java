package io.participantsync.model;

import io.participantsync.provider.ProviderAdapter;
import io.participantsync.provider.RegisteredProviders;
import io.participantsync.provider.RegisteredSet;
import java.util.Set;

/**
 * The canonical field names shared by every input (CSV headers, JSON keys) and the provider adapters. Which of them
 * are locators, changes or sensitive is each provider's to say ({@link ProviderAdapter#fields()}): the sets here are
 * the union over the providers registered in this JVM, so a provider's own field (one this class does not name) is
 * canonical once the provider is registered.
 */
public final class CanonicalFields {

    public static final String PROVIDER = "provider";
    public static final String CONNECTION = "connection";

    // Names of the five standard providers' fields. Locators: which participant to update.
    public static final String CONTRACT_ID = "contract_id";
    public static final String PARTY_ID = "party_id";
    public static final String PARTICIPANT_ID = "participant_id";
    public static final String AGREEMENT_ID = "agreement_id";
    public static final String PACKAGE_ID = "package_id";
    public static final String WORKFLOW_ORDER = "workflow_order";
    public static final String REQUEST_ID = "request_id";
    public static final String ORGANIZATION = "organization";
    public static final String CURRENT_EMAIL = "current_email";
    public static final String ORGNAME = "orgname";

    // Changes: absent or blank means "leave unchanged".
    public static final String NAME = "name";
    public static final String EMAIL = "email";
    public static final String PHONE_NUMBER = "phone_number";
    public static final String TITLE = "title";
    public static final String IDENTIFICATION_NUMBER = "identification_number";
    public static final String SIGNATORY = "signatory";
    public static final String CAN_UPDATE_CONTRACT = "can_update_contract";
    public static final String DELIVERY_CHANNEL = "delivery_channel";
    public static final String SIGN_METHOD = "sign_method";
    public static final String TWO_STEP_AUTHENTICATION_METHOD = "two_step_authentication_method";
    public static final String ROLE = "role";
    public static final String DISABLE_IDENTITY_ENFORCEMENT = "disable_identity_enforcement";
    public static final String SIGNING_ORDER = "signing_order";
    public static final String LOCALE = "locale";
    public static final String EMAIL_NOTIFICATION = "email_notification";
    public static final String OTP_REQUIRED = "otp_required";
    public static final String OTP_ACCESS_CODE = "otp_access_code";
    public static final String OTP_MOBILE_NUMBER = "otp_mobile_number";
    public static final String OTP_TYPE = "otp_type";
    public static final String PRIVATE_MESSAGE = "private_message";

    public static final Set<String> ROUTING = Set.of(PROVIDER, CONNECTION);

    /** Every registered provider's locator fields (see {@link ProviderAdapter#fields()}). */
    public static final Set<String> LOCATORS = new RegisteredSet(RegisteredProviders::locators);

    /** Every registered provider's change fields. */
    public static final Set<String> CHANGES = new RegisteredSet(RegisteredProviders::changes);

    /**
     * Values that are secrets or personal numbers: they are sent to the provider but never written to logs, reports
     * or dead letters. Every registered provider's sensitive fields.
     */
    public static final Set<String> SENSITIVE = new RegisteredSet(RegisteredProviders::sensitive);

    public static final String MASK = "***";

    private CanonicalFields() {
    }

    public static boolean isKnown(String field) {
        return ROUTING.contains(field) || LOCATORS.contains(field) || CHANGES.contains(field);
    }

    public static boolean isSensitive(String field) {
        return SENSITIVE.contains(field);
    }
}
