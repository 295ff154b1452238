package dev.pokepedia.corpus;

import dev.pokepedia.core.PokepediaException;

/** The snapshot source as a whole is unusable (not found, not an archive, truncated, an HTML page instead of data). */
public class SourceException extends PokepediaException {
    public SourceException(String message, String hint, Throwable cause) {
        super(ErrorCode.BAD_SOURCE, message, hint, cause);
    }
}
