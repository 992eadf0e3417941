package io.participantsync.model;

import java.time.Instant;
import java.util.List;

/**
 * Where a record came from: the input kind ({@code csv}, {@code http}, {@code jms}, ...), the file or message name,
 * the 1-based data row (the header is row 0 for CSV; 0 when not applicable), and for CSV the original header and cell
 * values so a dead letter can reproduce the row exactly. {@code sourceId} is the stable identity of the input under
 * which its rows are checkpointed (a file's content hash, an HTTP batch id, a queue message id); {@code null} when
 * the record is not checkpointed.
 */
public record Source(String kind, String name, long row, Instant receivedAt, String correlationId,
        List<String> header, List<String> values, String sourceId) {

    public Source {
        header = header == null ? List.of() : List.copyOf(header);
        values = values == null ? List.of() : List.copyOf(values);
        sourceId = sourceId == null || sourceId.isBlank() ? null : sourceId;
    }

    /** A source that is not checkpointed (yet): see {@link #withSourceId}. */
    public Source(String kind, String name, long row, Instant receivedAt, String correlationId,
            List<String> header, List<String> values) {
        this(kind, name, row, receivedAt, correlationId, header, values, null);
    }

    public static Source of(String kind, String name, long row) {
        return new Source(kind, name, row, Instant.now(), null, null, null);
    }

    /** The same source, checkpointed under {@code id} (with this row). */
    public Source withSourceId(String id) {
        return new Source(kind, name, row, receivedAt, correlationId, header, values, id);
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
