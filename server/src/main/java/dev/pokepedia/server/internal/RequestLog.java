package dev.pokepedia.server.internal;

import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One structured line per request (logfmt in the message, the same fields as SLF4J key-value pairs for JSON
 * encoders), and the {@code http.server.requests} latency histogram by method, route template and status.
 */
public final class RequestLog {

    private static final Logger log = LoggerFactory.getLogger("dev.pokepedia.server.access");
    private static final String ID = "pokepedia.requestId";

    private final MeterRegistry registry;
    private final java.util.Map<TimerKey, Timer> timers = new java.util.concurrent.ConcurrentHashMap<>();

    /** Routes are templates, so the keys stay few (method × route × status). */
    private record TimerKey(String method, String route, int status) {}

    public RequestLog(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Before every request: a short id, echoed as {@code X-Request-Id} and in error bodies. */
    public static void assignId(Context ctx) {
        String id = Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xFFFF_FFFF_FFFFL);
        ctx.attribute(ID, id);
        ctx.header("X-Request-Id", id);
    }

    public static String requestId(Context ctx) {
        Object id = ctx.attribute(ID);
        return id == null ? "-" : id.toString();
    }

    public void log(Context ctx, Float millis) {
        String route = route(ctx);
        int status = ctx.statusCode();
        double ms = millis == null ? 0 : millis;
        String method = ctx.method().name();
        // why cached: building and registering the timer on every request showed in profiles of busy routes
        timers.computeIfAbsent(new TimerKey(method, route, status), k -> Timer.builder("http.server.requests")
                .description("HTTP request latency")
                .tag("method", method).tag("uri", route).tag("status", Integer.toString(status))
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry)).record(Duration.ofNanos((long) (ms * 1_000_000)));
        if (!log.isInfoEnabled() || route.equals("/metrics") || route.equals("/healthz") || route.equals("/readyz")) {
            return; // why: probes and scrapes every few seconds would drown the interesting lines
        }
        String path = Text.clip(ctx.path());
        String ip = ctx.ip();
        log.atInfo()
                .addKeyValue("id", requestId(ctx)).addKeyValue("method", ctx.method().name()).addKeyValue("path", path)
                .addKeyValue("route", route).addKeyValue("status", status).addKeyValue("ms", ms).addKeyValue("ip", ip)
                .log("id={} method={} path=\"{}\" route=\"{}\" status={} ms={} ip={}", requestId(ctx), ctx.method().name(), path,
                        route, status, String.format("%.2f", ms), ip);
    }

    /** The matched route template (bounded cardinality for metrics), or NOT_FOUND. */
    private static String route(Context ctx) {
        try {
            var e = ctx.endpoints().matchedHttpEndpoint();
            if (e != null) {
                return e.path;
            }
        } catch (RuntimeException e) {
            // no endpoint matched: a static file or a 404
        }
        return ctx.statusCode() < 400 ? "STATIC" : "NOT_FOUND";
    }
}
