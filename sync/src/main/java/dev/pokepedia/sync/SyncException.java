package dev.pokepedia.sync;

import dev.pokepedia.core.PokepediaException;

/**
 * A sync request refused on purpose. {@link Kind} carries the HTTP status and the protocol's error code, so every
 * caller (the HTTP routes, a Java app) answers the same way.
 */
public final class SyncException extends PokepediaException {

    /** The protocol's error families (see SYNC-PROTOCOL: status and {@code "error"} code). */
    public enum Kind {
        BAD_REQUEST(400, "bad_request"),
        UNAUTHORIZED(401, "unauthorized"),
        FORBIDDEN(403, "forbidden"),
        DUPLICATE_OP(409, "duplicate_op"),
        RESYNC_REQUIRED(410, "resync_required"),
        TOO_LARGE(413, "payload_too_large"),
        NOT_CONFIGURED(503, "sync_not_configured");

        private final int status;
        private final String code;

        Kind(int status, String code) {
            this.status = status;
            this.code = code;
        }

        public int status() {
            return status;
        }

        public String code() {
            return code;
        }
    }

    private final Kind kind;

    public SyncException(Kind kind, String message) {
        super(kind == Kind.NOT_CONFIGURED ? ErrorCode.CONFIGURATION : ErrorCode.BAD_SOURCE, message, "", null);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this; // why: an expected answer to a client, not a bug
    }
}
