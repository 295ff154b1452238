package dev.pokepedia.medialibrary;

import dev.pokepedia.core.PokepediaException;

/** A webhook request that must not be processed; the message says why and never contains secrets. */
public class WebhookRejectedException extends PokepediaException {

    /** Why a webhook was refused. */
    public enum Reason {
        MISSING_HEADER, MALFORMED_TIMESTAMP, MILLISECONDS_TIMESTAMP, OUTSIDE_TOLERANCE, BAD_SIGNATURE, REPLAYED,
        MALFORMED_BODY
    }

    private final Reason reason;

    public WebhookRejectedException(Reason reason, String message, String hint) {
        super(ErrorCode.BAD_SOURCE, message, hint, null);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
