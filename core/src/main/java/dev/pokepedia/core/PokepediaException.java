package dev.pokepedia.core;

/**
 * The one unchecked root of every error this project raises on purpose. Each carries an {@link ErrorCode}
 * (stable, for scripts and HTTP mapping) and a hint telling the user what to do next.
 */
public class PokepediaException extends RuntimeException {

    /** Stable error families; the CLI maps them to exit codes in one place. */
    public enum ErrorCode {
        CONFIGURATION(2),
        DATABASE_UNAVAILABLE(3),
        BAD_SOURCE(4),
        INVALID_DOCUMENTS(5),
        VERIFICATION_FAILED(6),
        /** Another run holds the lock this work needs (e.g. a second import); wait for it, then rerun. */
        CONFLICT(7),
        /** A clash with another transaction (deadlock, serialization failure, lock timeout); safe to retry. */
        TRANSIENT(8),
        /** A bug or an unexpected database state; the cause carries the stack trace. */
        INTERNAL(1);

        private final int exitCode;

        ErrorCode(int exitCode) {
            this.exitCode = exitCode;
        }

        public int exitCode() {
            return exitCode;
        }

        /** Whether the same work may succeed when simply retried later (the database back, the other run done). */
        public boolean retriable() {
            return this == DATABASE_UNAVAILABLE || this == TRANSIENT || this == CONFLICT;
        }
    }

    private final ErrorCode code;
    private final String hint;

    public PokepediaException(ErrorCode code, String message, String hint, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.hint = hint;
    }

    public ErrorCode code() {
        return code;
    }

    /** What the user can do about it; may be empty. */
    public String hint() {
        return hint == null ? "" : hint;
    }

    /**
     * Whether {@code t} is an expected, classified failure: a {@code PokepediaException} other than
     * {@link ErrorCode#INTERNAL}, or a {@link java.sql.SQLException} that {@link SqlFailures} does not call a bug (the
     * database gone, a deadlock). A catch-all may log it in one line; anything else may be a bug and is logged with its
     * stack trace.
     */
    public static boolean isExpected(Throwable t) {
        return t instanceof PokepediaException p ? p.code != ErrorCode.INTERNAL
                : t instanceof java.sql.SQLException s && SqlFailures.family(s) != SqlFailures.Family.BUG;
    }
}
