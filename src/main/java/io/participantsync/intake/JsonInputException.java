package io.participantsync.intake;

/**
 * A JSON body that cannot be read as records at all (malformed JSON, an empty body, a top level that is neither an
 * object nor an array). Its message names the line and column and never quotes input values, so it is safe for
 * logs, HTTP problem answers and dead letters.
 */
public final class JsonInputException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final long line;
    private final long column;

    public JsonInputException(String message, long line, long column) {
        super(message, null, false, false);
        this.line = line;
        this.column = column;
    }

    /** 1-based line of the error, or -1 when unknown. */
    public long line() {
        return line;
    }

    /** 1-based column of the error, or -1 when unknown. */
    public long column() {
        return column;
    }
}
