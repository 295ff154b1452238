package dev.pokepedia.core;

/** No database could be reached, or the connection was lost mid-run. Rerunning resumes the work. */
public class DatabaseUnavailableException extends PokepediaException {
    public DatabaseUnavailableException(String message, String hint, Throwable cause) {
        super(ErrorCode.DATABASE_UNAVAILABLE, message, hint, cause);
    }
}
