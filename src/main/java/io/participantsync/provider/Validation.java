package io.participantsync.provider;

import io.participantsync.model.CanonicalFields;
import io.participantsync.model.ParticipantUpdate;
import io.participantsync.model.Problem;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Fluent checks shared by the provider adapters. Each failed check adds one {@link Problem} naming the field and the
 * reason; messages never include a sensitive value.
 */
public final class Validation {

    /** Pragmatic address syntax: one '@', no spaces, a dot in the domain, no leading/trailing dots. */
    private static final Pattern EMAIL = Pattern.compile(
            "^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                    + "@([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\\.)+[A-Za-z]{2,}$");

    private static final Set<String> TRUE = Set.of("true", "yes", "1");
    private static final Set<String> FALSE = Set.of("false", "no", "0");

    private final ParticipantUpdate update;
    private final String provider;
    private final List<Problem> problems = new ArrayList<>();

    private Validation(ParticipantUpdate update, String provider) {
        this.update = update;
        this.provider = provider;
    }

    public static Validation of(ParticipantUpdate update, String provider) {
        return new Validation(update, provider);
    }

    /** Every listed field must be present (non-blank). */
    public Validation require(String... fields) {
        for (String f : fields) {
            if (!update.has(f)) {
                problems.add(Problem.of(f, "is required for provider " + provider));
            }
        }
        return this;
    }

    /** Rejects every present field that is not in {@code supported} (routing fields are always allowed). */
    public Validation onlySupported(Set<String> supported) {
        for (String f : update.fields().keySet()) {
            if (CanonicalFields.ROUTING.contains(f) || supported.contains(f)) {
                continue;
            }
            if (CanonicalFields.isKnown(f)) {
                problems.add(Problem.of(f, "is not supported by provider " + provider));
            } else {
                problems.add(Problem.of(f, "is not a known field"));
            }
        }
        return this;
    }

    public Validation email(String... fields) {
        for (String f : fields) {
            String v = update.get(f);
            if (v != null && !isEmail(v)) {
                problems.add(Problem.of(f, "'" + v + "' is not a valid email address"));
            }
        }
        return this;
    }

    public Validation bool(String... fields) {
        for (String f : fields) {
            String v = update.get(f);
            if (v != null && parseBoolean(v).isEmpty()) {
                problems.add(Problem.of(f, show(f, v) + " is not a boolean (use true or false)"));
            }
        }
        return this;
    }

    /** An integer no smaller than {@code min}. */
    public Validation integer(String field, long min) {
        String v = update.get(field);
        if (v != null) {
            try {
                long n = Long.parseLong(v.trim());
                if (n < min) {
                    problems.add(Problem.of(field, show(field, v) + " must be at least " + min));
                }
            } catch (NumberFormatException e) {
                problems.add(Problem.of(field, show(field, v) + " is not an integer"));
            }
        }
        return this;
    }

    /** One of the allowed values, compared case-insensitively. */
    public Validation oneOf(String field, Collection<String> allowed) {
        String v = update.get(field);
        if (v != null && canonicalEnum(v, allowed).isEmpty()) {
            problems.add(Problem.of(field, show(field, v) + " is not one of " + String.join(", ", allowed)));
        }
        return this;
    }

    /** Adds a problem of the adapter's own. */
    public Validation add(String field, String reason) {
        problems.add(Problem.of(field, reason));
        return this;
    }

    public List<Problem> problems() {
        return List.copyOf(problems);
    }

    public static boolean isEmail(String value) {
        return value != null && value.length() <= 254 && EMAIL.matcher(value.trim()).matches();
    }

    /** {@code true}/{@code yes}/{@code 1} and {@code false}/{@code no}/{@code 0}, any case. */
    public static Optional<Boolean> parseBoolean(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (TRUE.contains(v)) {
            return Optional.of(Boolean.TRUE);
        }
        if (FALSE.contains(v)) {
            return Optional.of(Boolean.FALSE);
        }
        return Optional.empty();
    }

    /** The allowed value matching {@code value} case-insensitively, in the allowed value's own spelling. */
    public static Optional<String> canonicalEnum(String value, Collection<String> allowed) {
        if (value == null) {
            return Optional.empty();
        }
        String v = value.trim();
        return allowed.stream().filter(a -> a.equalsIgnoreCase(v)).findFirst();
    }

    private static String show(String field, String value) {
        return CanonicalFields.isSensitive(field) ? "the value" : "'" + value + "'";
    }
}
