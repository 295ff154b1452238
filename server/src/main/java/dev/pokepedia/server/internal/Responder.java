package dev.pokepedia.server.internal;

import dev.pokepedia.core.http.ConditionalRequests;
import io.javalin.http.Context;

/**
 * Sends a {@link Representation} the same way everywhere: ETag, {@code If-None-Match} → 304, gzip when the client
 * accepts it, {@code Vary}, cache lifetime. CORS headers are added by the public-route filter, not here.
 */
public final class Responder {

    public static final String NO_STORE = "no-store";
    /** Documents change when the mirror syncs: clients may reuse them briefly, then revalidate (cheap 304s). */
    public static final String API_CACHE = "public, max-age=300";

    private Responder() {
    }

    public static void send(Context ctx, Representation r, String cacheControl) {
        ctx.attribute(ResponseCache.REPRESENTATION, r);
        ctx.attribute(ResponseCache.CACHE_CONTROL, cacheControl);
        boolean gzip = r.worthGzip() && ConditionalRequests.acceptsGzip(ctx.header("Accept-Encoding"));
        String etag = gzip ? r.gzipEtag() : r.etag();
        ctx.header("ETag", etag);
        ctx.header("Cache-Control", cacheControl);
        ctx.header("Vary", "Accept-Encoding");
        if (ConditionalRequests.noneMatchHits(ctx.header("If-None-Match"), etag)) {
            ctx.status(304);
            return;
        }
        ctx.contentType(r.contentType());
        if (gzip) {
            ctx.header("Content-Encoding", "gzip");
            ctx.result(r.gzip());
        } else {
            ctx.result(r.body());
        }
    }

    public static void json(Context ctx, int status, byte[] body) {
        ctx.status(status);
        ctx.header("Cache-Control", NO_STORE);
        ctx.contentType("application/json; charset=utf-8");
        ctx.res().setContentLength(body.length);
        if (ctx.method() != io.javalin.http.HandlerType.HEAD) {
            try {
                ctx.outputStream().write(body);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
