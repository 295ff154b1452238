package dev.pokepedia.server.internal;

/**
 * A request the server refuses on purpose, with the status and the message the client gets. {@code parameter} names
 * the query parameter at fault (400s), so clients and people see exactly what to change.
 */
public final class ApiException extends RuntimeException {

    private final int status;
    private final String parameter;
    private final long retryAfterSeconds;

    private ApiException(int status, String detail, String parameter, long retryAfterSeconds) {
        super(detail, null, false, false); // why: an expected outcome, not a bug; a stack trace would be noise
        this.status = status;
        this.parameter = parameter;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static ApiException badParameter(String parameter, String detail) {
        return new ApiException(400, detail, parameter, 0);
    }

    public static ApiException badRequest(String detail) {
        return new ApiException(400, detail, null, 0);
    }

    /** Upstream PokeAPI's exact 404 body text. */
    public static ApiException notFound() {
        return new ApiException(404, "Not found.", null, 0);
    }

    public static ApiException notFound(String detail) {
        return new ApiException(404, detail, null, 0);
    }

    public static ApiException unauthorized(String detail) {
        return new ApiException(401, detail, null, 0);
    }

    public static ApiException forbidden(String detail) {
        return new ApiException(403, detail, null, 0);
    }

    public static ApiException methodNotAllowed(String method) {
        return new ApiException(405, "Method \"" + method + "\" not allowed.", null, 0);
    }

    public static ApiException tooManyRequests(String detail, long retryAfterSeconds) {
        return new ApiException(429, detail, null, Math.max(1, retryAfterSeconds));
    }

    /** A service behind this server (a media provider) failed or refused: 502. */
    public static ApiException badGateway(String detail) {
        return new ApiException(502, detail, null, 0);
    }

    public static ApiException rangeNotSatisfiable(String detail) {
        return new ApiException(416, detail, null, 0);
    }

    public int status() {
        return status;
    }

    public String detail() {
        return getMessage();
    }

    /** The offending query parameter, or null. */
    public String parameter() {
        return parameter;
    }

    /** For 429: seconds until trying again makes sense; else 0. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
