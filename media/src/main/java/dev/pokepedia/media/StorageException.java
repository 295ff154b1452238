package dev.pokepedia.media;

import dev.pokepedia.core.PokepediaException;

/** A storage backend refused or failed a request; {@code retriable} says whether trying again may help. */
public class StorageException extends PokepediaException {
    private final boolean retriable;

    public StorageException(String message, String hint, boolean retriable, Throwable cause) {
        super(ErrorCode.BAD_SOURCE, message, hint, cause);
        this.retriable = retriable;
    }

    public boolean retriable() {
        return retriable;
    }
}
