package dev.pokepedia.syncclient;

/**
 * The one unchecked exception of the client library: a code an app can switch on, a message naming what and where,
 * and a hint saying how to fix it.
 *
 * <p>why: the library must not depend on pokepedia-core (an app embeds it), so it has its own small root.
 */
public final class SyncClientException extends RuntimeException {

    /** What went wrong, coarse enough for an app to react to. */
    public enum ErrorCode {
        /** Bad argument: unknown type, missing id, malformed JSON, invalid configuration. */
        BAD_INPUT,
        /** The store file stayed locked by another connection past the lock timeout. */
        STORE_LOCKED,
        /** The store file is not a store of this library, or is damaged. */
        STORE_CORRUPT,
        /** The store file was written by a newer version of this library. */
        STORE_TOO_NEW,
        /** A backup file failed its checksum, schema or completeness check. */
        BACKUP_INVALID,
        /** The server refused the token (401/403). */
        AUTH,
        /** The server answered something the protocol does not allow, or an error that is not transient. */
        SERVER,
        /** Local I/O failed (disk full, permissions). */
        IO,
        /** No conflict of that type and id is open. */
        NOT_FOUND
    }

    private final ErrorCode code;
    private final String hint;

    public SyncClientException(ErrorCode code, String message, String hint, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.hint = hint == null ? "" : hint;
    }

    public SyncClientException(ErrorCode code, String message, String hint) {
        this(code, message, hint, null);
    }

    public static SyncClientException badInput(String message) {
        return new SyncClientException(ErrorCode.BAD_INPUT, message, "");
    }

    public ErrorCode code() {
        return code;
    }

    public String hint() {
        return hint;
    }
}
