package dev.pokepedia.server.internal;

import dev.pokepedia.core.PokepediaException;
import dev.pokepedia.core.SqlFailures;
import dev.pokepedia.server.ActionUnavailableException;
import io.javalin.http.Context;
import java.sql.SQLException;
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
            case SQLException s when SqlFailures.family(s) == SqlFailures.Family.UNAVAILABLE -> unavailable(ctx, s);
            default -> {
                log.error("{} {} failed (request {})", ctx.method(), Text.clip(ctx.path()), RequestLog.requestId(ctx), e);
                Responder.json(ctx, 500, Json.error("Internal server error (request " + RequestLog.requestId(ctx) + ").", null));
            }
        }
    }

    private static void unavailable(Context ctx, Exception e) {
        log.warn("{} {}: database unavailable: {}", ctx.method(), Text.clip(ctx.path()), e.toString());
        ctx.header("Retry-After", "5");
        Responder.json(ctx, 503, Json.error("The database is unavailable; try again shortly.", null));
    }
}
