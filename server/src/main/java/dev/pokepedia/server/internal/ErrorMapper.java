package dev.pokepedia.server.internal;

import dev.pokepedia.core.PokepediaException;
import dev.pokepedia.server.ActionUnavailableException;
import io.javalin.http.Context;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place where exceptions become HTTP statuses and JSON bodies. */
public final class ErrorMapper {

    private static final Logger log = LoggerFactory.getLogger(ErrorMapper.class);

    private ErrorMapper() {
    }

    public static void handle(Exception e, Context ctx) {
        switch (e) {
            case ApiException a -> {
                if (a.retryAfterSeconds() > 0) {
                    ctx.header("Retry-After", Long.toString(a.retryAfterSeconds()));
                }
                Responder.json(ctx, a.status(), Json.error(a.detail(), a.parameter()));
            }
            case ActionUnavailableException u -> Responder.json(ctx, 501, Json.error(u.getMessage() + ". " + u.hint(), null));
            case PokepediaException p when p.code() == PokepediaException.ErrorCode.DATABASE_UNAVAILABLE -> unavailable(ctx, p);
            case PokepediaException p when p.code() == PokepediaException.ErrorCode.CONFIGURATION ->
                    Responder.json(ctx, 400, Json.error(p.getMessage() + (p.hint().isEmpty() ? "" : ". " + p.hint()), null));
            case SQLTransientConnectionException s -> unavailable(ctx, s);
            case SQLException s when unavailableState(s.getSQLState()) -> unavailable(ctx, s);
            default -> {
                log.error("{} {} failed (request {})", ctx.method(), Text.clip(ctx.path()), RequestLog.requestId(ctx), e);
                Responder.json(ctx, 500, Json.error("Internal server error (request " + RequestLog.requestId(ctx) + ").", null));
            }
        }
    }

    /** Connection failures (08), an administrator or a restart ending sessions (57P), too many connections (53). */
    static boolean unavailableState(String state) {
        return state != null && (state.startsWith("08") || state.startsWith("57P") || state.startsWith("53"));
    }

    private static void unavailable(Context ctx, Exception e) {
        log.warn("{} {}: database unavailable: {}", ctx.method(), Text.clip(ctx.path()), e.toString());
        ctx.header("Retry-After", "5");
        Responder.json(ctx, 503, Json.error("The database is unavailable; try again shortly.", null));
    }
}
