package dev.pokepedia.corpus;

import dev.pokepedia.core.PokepediaException;

/** One document's bytes are not a storable JSON document (malformed, truncated, an HTML page, a bare value). */
public class InvalidDocumentException extends PokepediaException {
    public InvalidDocumentException(String message, Throwable cause) {
        super(ErrorCode.INVALID_DOCUMENTS, message, "Nothing was stored for it; fix the source or wait for upstream to serve it correctly.", cause);
    }
}
