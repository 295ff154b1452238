package dev.pokepedia.live;

import dev.pokepedia.core.Backoff;
import dev.pokepedia.core.http.HttpOutcome;
import dev.pokepedia.core.http.HttpProblem;
import dev.pokepedia.core.http.PoliteHttpClient;
import dev.pokepedia.core.http.PoliteHttpConfig;
import dev.pokepedia.core.http.Ticker;
import dev.pokepedia.core.http.Wanted;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * GETs JSON documents from a PokeAPI-compatible server, politely, through the shared {@link PoliteHttpClient}: a cap
 * on requests in flight, a smooth rate limit per public host (local ones only when asked), conditional requests,
 * {@code Retry-After} honoured (a longer one than {@code maxInlineWait} goes back to the queue), exponential backoff
 * with jitter on 5xx and timeouts, connect and whole-answer timeouts, a size limit while streaming, a {@code User-Agent}
 * naming the project. Thread-safe.
 */
public final class UpstreamClient implements AutoCloseable {

    /** What a GET gave. */
    public sealed interface Answer {
        record Document(URI uri, byte[] body, String etag, String lastModified) implements Answer {}

        record NotModified(URI uri) implements Answer {}

        record Gone(URI uri, int status) implements Answer {}
    }

    private final UpstreamOptions options;
    private final PoliteHttpClient http;
    private final Counter retries;

    public UpstreamClient(UpstreamOptions options, MeterRegistry registry, Clock clock) {
        this(options, registry, clock, Ticker.system());
    }

    /** @param ticker paces the rate limit, backoff and {@code Retry-After} waits (tests inject one that records them) */
    UpstreamClient(UpstreamOptions options, MeterRegistry registry, Clock clock, Ticker ticker) {
        this.options = options;
        Counter requests = registry.counter("pokepedia.upstream.requests");
        this.retries = registry.counter("pokepedia.upstream.retries");
        this.http = new PoliteHttpClient(config(options), clock, ticker, new PoliteHttpClient.Listener() {
            @Override
            public void requestSent(URI uri, int attempt) {
                requests.increment();
            }

            @Override
            public void retrying(URI uri, int failedAttempt, Duration wait) {
                retries.increment();
            }
        });
    }

    /**
     * The shared client's settings: a Retry-After over {@code maxInlineWait} is given back for the queue to wait out;
     * the rate applies to public hosts only unless it was given explicitly.
     */
    static PoliteHttpConfig config(UpstreamOptions o) {
        return new PoliteHttpConfig(o.concurrency(), o.perHostPerSecond(),
                o.rateOnLocalHosts() ? PoliteHttpConfig.RateScope.PER_HOST : PoliteHttpConfig.RateScope.PUBLIC_HOSTS,
                o.connectTimeout(), o.requestTimeout(), o.attempts(), new Backoff(o.initialBackoff(), o.maxBackoff(), 0.5),
                o.maxInlineWait(), PoliteHttpConfig.LongRetryAfter.GIVE_BACK, o.maxBytes(), o.userAgent());
    }

    public UpstreamOptions options() {
        return options;
    }

    /** Requests retried inside this client so far. */
    public long retries() {
        return (long) retries.count();
    }

    /**
     * GETs a document, conditionally when validators are given.
     *
     * @throws UpstreamException when no usable answer came after the allowed attempts
     */
    public Answer get(URI uri, String etag, String lastModified) throws InterruptedException {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("If-None-Match", etag);
        headers.put("If-Modified-Since", lastModified);
        return switch (http.get(uri, Wanted.json(), headers)) {
            case HttpOutcome.Ok ok when ok.notModified() -> new Answer.NotModified(uri);
            case HttpOutcome.Ok ok when ok.status() == 200 -> new Answer.Document(uri, ok.body(),
                    ok.headers().firstValue("etag").orElse(null), ok.headers().firstValue("last-modified").orElse(null));
            case HttpOutcome.Ok ok -> throw new UpstreamException(uri + " answered HTTP " + ok.status(), false, null, null);
            case HttpOutcome.Gone g -> new Answer.Gone(uri, g.status());
            case HttpOutcome.Failed f -> throw new UpstreamException(message(f, options.maxBytes()), f.problem().retryable(),
                    f.retryAfter(), f.cause());
        };
    }

    /** The shared wording, except where this client has always said it its own way (dead-letter reasons). */
    private static String message(HttpOutcome.Failed f, long limit) {
        return switch (f.problem()) {
            case HttpProblem.Html h -> f.uri() + " answered an HTML page with status " + h.status() + " instead of JSON (content type "
                    + (h.contentType().isBlank() ? "none" : h.contentType().toLowerCase(Locale.ROOT)) + ")";
            case HttpProblem.TooLarge big -> f.uri() + " answered a body over the " + limit + "-byte limit"
                    + (big.declared() >= 0 ? " (Content-Length " + big.declared() + ")" : "; stopped reading there");
            default -> f.message();
        };
    }

    @Override
    public void close() {
        http.close();
    }
}
