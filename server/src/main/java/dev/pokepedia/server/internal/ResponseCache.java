package dev.pokepedia.server.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A micro-cache in front of the public JSON routes: a 200 answer is reused for the same path and query for a short
 * time (one second by default), so a burst of identical requests costs one database round trip, not one each. The
 * price is that a change in the database shows up at most that much later. Zero turns it off.
 *
 * <p>Single flight: when an entry is missing, the first request computes it and concurrent requests for the same key
 * wait for that answer instead of all going to the database at the moment an entry expires.
 */
public final class ResponseCache {

    static final String REPRESENTATION = "pokepedia.representation";
    static final String CACHE_CONTROL = "pokepedia.cacheControl";

    private record Entry(Representation representation, String cacheControl) {}

    private final Cache<String, CompletableFuture<Entry>> cache;

    public ResponseCache(Duration ttl, int maxMb) {
        this.cache = ttl.isZero() ? null : Caffeine.newBuilder().expireAfterWrite(ttl).maximumWeight(Math.max(1L, (long) maxMb << 20))
                .weigher((String k, CompletableFuture<Entry> f) -> {
                    Entry e = f.getNow(null);
                    return k.length() * 2 + (e == null ? 64 : e.representation().weight());
                }).build();
    }

    public Handler wrap(Handler handler) {
        if (cache == null) {
            return handler;
        }
        return ctx -> {
            String key = key(ctx);
            CompletableFuture<Entry> mine = new CompletableFuture<>();
            CompletableFuture<Entry> existing = cache.asMap().putIfAbsent(key, mine);
            if (existing != null) {
                Entry hit = existing.join();
                if (hit != null) {
                    Responder.send(ctx, hit.representation(), hit.cacheControl());
                    return;
                }
                handler.handle(ctx); // the first answer was not cacheable (an error): everyone gets their own
                return;
            }
            Entry made = null;
            try {
                handler.handle(ctx);
                Representation r = ctx.attribute(REPRESENTATION);
                if (r != null && (ctx.statusCode() == 200 || ctx.statusCode() == 304)) {
                    made = new Entry(r, ctx.attribute(CACHE_CONTROL));
                }
            } finally {
                mine.complete(made);
                if (made == null) {
                    cache.asMap().remove(key, mine);
                } else {
                    cache.put(key, mine); // why: re-put so the weigher sees the finished entry's real size
                }
            }
        };
    }

    private static String key(Context ctx) {
        String q = ctx.queryString();
        return q == null ? ctx.path() : ctx.path() + "?" + q;
    }
}
