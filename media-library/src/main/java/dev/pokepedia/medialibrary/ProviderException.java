package dev.pokepedia.medialibrary;

import dev.pokepedia.core.PokepediaException;

/** A provider call failed. {@link #retriable()} says whether the same call may succeed later. */
public class ProviderException extends PokepediaException {

    /** Why it failed. */
    public enum Kind {
        RATE_LIMITED(true), UNAVAILABLE(true), NOT_FOUND(false), UNAUTHORIZED(false), REJECTED(false);

        private final boolean retriable;

        Kind(boolean retriable) {
            this.retriable = retriable;
        }
    }

    private final Kind kind;

    public ProviderException(Kind kind, String message, String hint, Throwable cause) {
        // why: refused credentials are configuration (exit 2, fix and rerun); the rest is the provider's answer
        super(kind == Kind.UNAUTHORIZED ? ErrorCode.CONFIGURATION : ErrorCode.BAD_SOURCE, message, hint, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public boolean retriable() {
        return kind.retriable;
    }
}
