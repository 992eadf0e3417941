package io.participantsync.model;

import java.time.Instant;
import java.util.List;

/**
 * Where a record came from: the input kind ({@code csv}, {@code http}, {@code jms}, ...), the file or message name,
 * the 1-based data row (the header is row 0 for CSV; 0 when not applicable), and for CSV the original header and cell
 * values so a dead letter can reproduce the row exactly.
 */
public record Source(String kind, String name, long row, Instant receivedAt, String correlationId,
        List<String> header, List<String> values) {

    public Source {
        header = header == null ? List.of() : List.copyOf(header);
        values = values == null ? List.of() : List.copyOf(values);
    }

    public static Source of(String kind, String name, long row) {
        return new Source(kind, name, row, Instant.now(), null, null, null);
    }

    /** Names the record without its cell values (which may hold sensitive data). */
    @Override
    public String toString() {
        return "Source[" + kind + ", " + describe() + ", " + correlationId + "]";
    }

    /** "orders.csv row 12" — how messages name the record. */
    public String describe() {
        return row > 0 ? name + " row " + row : name;
    }
}
