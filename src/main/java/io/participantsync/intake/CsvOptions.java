package io.participantsync.intake;

import io.participantsync.model.CanonicalFields;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Options for reading one folder's CSV files: the delimiter ({@code null} = detect it from the header line) and the
 * field mapping that renames a user's own header names to canonical field names.
 *
 * @param delimiter    the cell delimiter, or {@code null} to detect it from the header line
 * @param fieldMapping user header -> canonical name; keys and values are normalised like header names
 */
public record CsvOptions(Character delimiter, Map<String, String> fieldMapping, int maxColumns, int maxFieldLength) {

    /** Default of {@code csv.max-columns}: a file whose header has more columns is rejected as a whole. */
    public static final int DEFAULT_MAX_COLUMNS = 200;
    /** Default of {@code csv.max-field-length}: a row with a longer cell is rejected, naming the field. */
    public static final int DEFAULT_MAX_FIELD_LENGTH = 10_000;

    private static final Pattern SEPARATORS = Pattern.compile("[\\s-]+");

    public CsvOptions {
        if (delimiter != null && (delimiter == '"' || delimiter == '\r' || delimiter == '\n')) {
            throw new IllegalArgumentException("the delimiter cannot be a quote or a line break");
        }
        if (maxColumns < 1) {
            throw new IllegalArgumentException("csv.max-columns must be at least 1 but was " + maxColumns);
        }
        if (maxFieldLength < 1) {
            throw new IllegalArgumentException("csv.max-field-length must be at least 1 but was " + maxFieldLength);
        }
        fieldMapping = normaliseMapping(fieldMapping);
    }

    /** With the default limits. */
    public CsvOptions(Character delimiter, Map<String, String> fieldMapping) {
        this(delimiter, fieldMapping, DEFAULT_MAX_COLUMNS, DEFAULT_MAX_FIELD_LENGTH);
    }

    /**
     * The same options with other limits ({@code csv.max-columns}, {@code csv.max-field-length}).
     *
     * @throws IllegalArgumentException naming the key when a limit is below 1
     */
    public CsvOptions withLimits(int maxColumns, int maxFieldLength) {
        return new CsvOptions(delimiter, fieldMapping, maxColumns, maxFieldLength);
    }

    public static CsvOptions defaults() {
        return new CsvOptions(null, Map.of());
    }

    /**
     * Parses config values: delimiter {@code auto | , | ; | tab | |} (blank = auto); mapping
     * {@code "Signer E-mail=email, Contract=contract_id"} (comma-separated pairs, '=' or ':'; blank = none).
     *
     * @throws IllegalArgumentException naming the offending key ({@code <prefix>delimiter} or
     *                                  {@code <prefix>field-mapping})
     */
    public static CsvOptions parse(String delimiterValue, String mappingValue, String keyPrefixForMessages) {
        String delimiterKey = key(keyPrefixForMessages, "delimiter");
        String mappingKey = key(keyPrefixForMessages, "field-mapping");
        Character delimiter = parseDelimiter(delimiterValue, delimiterKey);
        Map<String, String> mapping = new LinkedHashMap<>();
        if (mappingValue != null) {
            for (String pair : mappingValue.split(",")) {
                if (pair.isBlank()) {
                    continue;
                }
                int at = firstSeparator(pair);
                if (at < 0) {
                    throw new IllegalArgumentException(mappingKey + ": '" + pair.strip()
                            + "' is not a pair like 'Header=canonical_name'");
                }
                String from = pair.substring(0, at).strip();
                String to = pair.substring(at + 1).strip();
                if (from.isEmpty() || to.isEmpty()) {
                    throw new IllegalArgumentException(mappingKey + ": '" + pair.strip()
                            + "' needs a header name on the left and a canonical name on the right");
                }
                if (mapping.containsKey(from)) {
                    throw new IllegalArgumentException(mappingKey + ": header '" + from + "' is mapped twice");
                }
                mapping.put(from, to);
            }
        }
        try {
            return new CsvOptions(delimiter, mapping);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(mappingKey + ": " + e.getMessage(), e);
        }
    }

    /**
     * How header names and mapping keys are compared: trimmed, lower case, runs of spaces and hyphens turned into one
     * '_' ("Current E-mail" -> "current_e_mail").
     */
    static String normaliseHeader(String header) {
        String s = header.replace('\u00A0', ' ').strip().toLowerCase(Locale.ROOT);
        return SEPARATORS.matcher(s).replaceAll("_");
    }

    /**
     * The canonical name of a (raw) user header: normalised, then renamed by the field mapping. Public for the other
     * tabular inputs (a sync job's JDBC columns and JSON keys), which name their fields the same way.
     */
    public String canonicalName(String header) {
        String normalised = normaliseHeader(header);
        return fieldMapping.getOrDefault(normalised, normalised);
    }

    private static Character parseDelimiter(String value, String key) {
        if (value == null || value.equals("\t")) {
            return value == null ? null : '\t';
        }
        String v = value.strip().toLowerCase(Locale.ROOT);
        switch (v) {
            case "":
            case "auto":
                return null;
            case "tab":
                return '\t';
            case ",":
            case ";":
            case "|":
                return v.charAt(0);
            default:
                throw new IllegalArgumentException(key + " must be one of auto, ',', ';', tab, '|' but was '"
                        + value + "'");
        }
    }

    private static Map<String, String> normaliseMapping(Map<String, String> mapping) {
        if (mapping == null || mapping.isEmpty()) {
            return Map.of();
        }
        Map<String, String> result = new LinkedHashMap<>();
        mapping.forEach((from, to) -> {
            if (from == null || from.isBlank() || to == null || to.isBlank()) {
                throw new IllegalArgumentException("field mapping entries need a header name and a canonical name");
            }
            String key = normaliseHeader(from);
            String target = normaliseHeader(to);
            if (!CanonicalFields.isKnown(target)) {
                throw new IllegalArgumentException("'" + to.strip() + "' (for header '" + from.strip()
                        + "') is not a canonical field name");
            }
            String previous = result.putIfAbsent(key, target);
            if (previous != null && !previous.equals(target)) {
                throw new IllegalArgumentException("header '" + from.strip() + "' is mapped to both '" + previous
                        + "' and '" + target + "'");
            }
        });
        return Collections.unmodifiableMap(result);
    }

    private static int firstSeparator(String pair) {
        int eq = pair.indexOf('=');
        int colon = pair.indexOf(':');
        if (eq < 0) {
            return colon;
        }
        return colon < 0 ? eq : Math.min(eq, colon);
    }

    private static String key(String prefix, String name) {
        if (prefix == null || prefix.isBlank()) {
            return name;
        }
        return prefix.endsWith(".") ? prefix + name : prefix + "." + name;
    }
}
