package dev.pokepedia.server.internal;

import dev.pokepedia.sync.AuthenticatedUser;
import dev.pokepedia.sync.PullResult;
import dev.pokepedia.sync.PushRequest;
import dev.pokepedia.sync.PushResult;
import dev.pokepedia.sync.SyncException;
import dev.pokepedia.sync.SyncJson;
import dev.pokepedia.sync.SyncService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /sync/v1}: push, single op, pull and the event stream (SYNC-PROTOCOL.md). Only the sync module's API is used;
 * errors are the protocol's {@code {"error","message"}} bodies.
 */
public final class SyncRoutes {

    private static final Logger log = LoggerFactory.getLogger(SyncRoutes.class);
    private static final long STOP = -1;

    private final SyncService sync;
    private final Set<LinkedBlockingQueue<Long>> streams = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    public SyncRoutes(SyncService sync) {
        this.sync = sync;
    }

    public static void register(RoutesConfig r, Supplier<SyncRoutes> routes) {
        r.post("/sync/v1/push", guarded(routes, SyncRoutes::push));
        r.post("/sync/v1/op", guarded(routes, SyncRoutes::op));
        r.get("/sync/v1/pull", guarded(routes, SyncRoutes::pull));
        r.get("/sync/v1/events", guarded(routes, SyncRoutes::events));
    }

    private interface Route {
        void handle(SyncRoutes routes, Context ctx) throws Exception;
    }

    private static Handler guarded(Supplier<SyncRoutes> routes, Route route) {
        return ctx -> {
            SyncRoutes self = routes.get();
            try {
                route.handle(self, ctx);
            } catch (SyncException e) {
                if (e.kind() != SyncException.Kind.NOT_CONFIGURED) {
                    self.sync.recordRefused(e.kind());
                }
                Responder.json(ctx, e.kind().status(), SyncJson.error(e.kind().code(), e.getMessage()));
            }
        };
    }

    private void push(Context ctx) throws IOException {
        AuthenticatedUser user = sync.authenticate(ctx.header("Authorization"));
        PushRequest request = SyncJson.parsePush(body(ctx), sync.config().maxOps());
        answer(ctx, sync.push(user, request));
    }

    private void op(Context ctx) throws IOException {
        AuthenticatedUser user = sync.authenticate(ctx.header("Authorization"));
        answer(ctx, sync.push(user, SyncJson.parseSingle(body(ctx))));
    }

    private static void answer(Context ctx, PushResult result) {
        Responder.json(ctx, 200, SyncJson.toJson(result));
    }

    private void pull(Context ctx) {
        AuthenticatedUser user = sync.authenticate(ctx.header("Authorization"));
        for (String p : ctx.queryParamMap().keySet()) {
            if (!p.equals("since") && !p.equals("limit")) {
                throw new SyncException(SyncException.Kind.BAD_REQUEST, "unknown query parameter \"" + Text.clip(p) + "\" (pull takes since and limit)");
            }
        }
        String limit = ctx.queryParam("limit");
        Integer n = null;
        if (limit != null) {
            try {
                n = Integer.parseInt(limit.trim());
            } catch (NumberFormatException e) {
                throw new SyncException(SyncException.Kind.BAD_REQUEST, "limit must be a whole number between 1 and " + sync.config().maxPullLimit());
            }
        }
        PullResult page = sync.pull(user, ctx.queryParam("since"), n);
        Responder.json(ctx, 200, SyncJson.toJson(page));
    }

    /**
     * Server-sent events on the request's own (virtual) thread: {@code event: change} for every commit of this user's
     * pushes on any process, {@code : ping} when quiet, until the client goes away or the server stops.
     */
    private void events(Context ctx) throws IOException, InterruptedException {
        AuthenticatedUser user = sync.authenticate(ctx.header("Authorization"));
        LinkedBlockingQueue<Long> versions = new LinkedBlockingQueue<>();
        streams.add(versions);
        try (AutoCloseable subscription = sync.listen(user.user(), versions::add)) {
            ctx.status(200);
            var res = ctx.res();
            res.setContentType("text/event-stream");
            res.setCharacterEncoding("UTF-8");
            res.setHeader("Cache-Control", "no-store");
            res.setHeader("X-Accel-Buffering", "no");
            OutputStream out = res.getOutputStream();
            write(out, ": connected\n\n"); // why: tells the client (and tests) the subscription is live
            long pingMillis = sync.config().ping().toMillis();
            while (!stopping) {
                Long v = versions.poll(pingMillis, TimeUnit.MILLISECONDS);
                if (v == null) {
                    write(out, ": ping\n\n");
                } else if (v == STOP) {
                    break;
                } else {
                    long max = v;
                    for (Long more; (more = versions.poll()) != null; ) {
                        max = more == STOP ? max : Math.max(max, more); // why: a burst of commits becomes one event
                    }
                    write(out, "event: change\ndata: {\"version\":" + max + "}\n\n");
                }
            }
        } catch (IOException e) {
            log.debug("event stream of {} ended: {}", user.user(), e.toString());
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            } else if (e instanceof RuntimeException r) {
                throw r;
            }
        } finally {
            streams.remove(versions);
        }
    }

    private static void write(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Ends every open event stream, so a graceful stop does not wait for them. */
    public void stopStreams() {
        stopping = true;
        streams.forEach(q -> q.add(STOP));
    }

    private byte[] body(Context ctx) throws IOException {
        long max = sync.config().maxBodyBytes();
        long declared = ctx.req().getContentLengthLong();
        if (declared > max) {
            throw tooLarge(declared, max);
        }
        ByteArrayOutputStream buffer = new ByteArrayOutputStream((int) Math.max(0, Math.min(declared, max)));
        byte[] chunk = new byte[16 * 1024];
        try (InputStream in = ctx.req().getInputStream()) {
            for (int n; (n = in.read(chunk)) > 0; ) {
                if (buffer.size() + n > max) {
                    throw tooLarge(buffer.size() + n, max);
                }
                buffer.write(chunk, 0, n);
            }
        }
        return buffer.toByteArray();
    }

    private static SyncException tooLarge(long size, long max) {
        return new SyncException(SyncException.Kind.TOO_LARGE, "the body is over " + max + " bytes (" + (size > max ? "at least " + size : size)
                + "); split the batch into smaller pushes");
    }
}
