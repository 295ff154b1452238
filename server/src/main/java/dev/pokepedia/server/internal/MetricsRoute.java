package dev.pokepedia.server.internal;

import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** {@code /metrics}: Prometheus text format, with the database-backed gauges read at scrape time. */
public final class MetricsRoute {

    private final PrometheusMeterRegistry registry;
    private final DbMetrics dbMetrics;

    public MetricsRoute(PrometheusMeterRegistry registry, DbMetrics dbMetrics) {
        this.registry = registry;
        this.dbMetrics = dbMetrics;
    }

    public void scrape(Context ctx) {
        dbMetrics.refresh();
        ctx.header("Cache-Control", Responder.NO_STORE);
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8");
        ctx.result(registry.scrape());
    }
}
