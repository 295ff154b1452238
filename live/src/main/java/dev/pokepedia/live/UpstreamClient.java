package dev.pokepedia.live;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RateLimiter;
import dev.failsafe.RetryPolicy;
import dev.pokepedia.core.HttpRetryAfter;
import dev.pokepedia.core.LimitedBody;
import dev.pokepedia.queue.Backoff;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * GETs JSON documents from a PokeAPI-compatible server, politely: a cap on requests in flight, a smooth rate limit per
 * host (Failsafe), conditional requests, {@code Retry-After} honoured, exponential backoff with jitter on 5xx and
 * timeouts (Failsafe), connect and whole-answer timeouts, a {@code User-Agent} naming the project. Thread-safe.
 */
public final class UpstreamClient implements AutoCloseable {

    /** What a GET gave. */
    public sealed interface Answer {
        record Document(URI uri, byte[] body, String etag, String lastModified) implements Answer {}

        record NotModified(URI uri) implements Answer {}

        record Gone(URI uri, int status) implements Answer {}
    }

    private record Attempt(Answer answer, UpstreamException failure) {}

    private final UpstreamOptions options;
    private final HttpClient http;
    private final Semaphore inFlight;
    private final Map<String, RateLimiter<Object>> perHost = new ConcurrentHashMap<>();
    private final RetryPolicy<Attempt> retry;
    private final Clock clock;
    private final Counter requests;
    private final Counter retries;
    private final Backoff backoff;

    public UpstreamClient(UpstreamOptions options, MeterRegistry registry, Clock clock) {
        this.options = options;
        this.clock = clock;
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(options.connectTimeout()).build();
        this.inFlight = new Semaphore(options.concurrency(), true);
        this.backoff = new Backoff(options.initialBackoff(), options.maxBackoff(), 0.5);
        this.requests = registry.counter("pokepedia.upstream.requests");
        this.retries = registry.counter("pokepedia.upstream.retries");
        this.retry = RetryPolicy.<Attempt>builder()
                .handleIf((a, e) -> e == null && a.failure() != null && a.failure().retryable()
                        && (a.failure().retryAfter() == null || a.failure().retryAfter().compareTo(options.maxInlineWait()) <= 0))
                .withMaxAttempts(options.attempts())
                // why: our own delay function: a Retry-After is obeyed exactly (never jittered shorter), other
                // failures back off exponentially with jitter
                .withDelayFn(ctx -> delayBefore(ctx.getLastResult(), ctx.getAttemptCount()))
                .onRetry(e -> retries.increment())
                .build();
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
        Attempt last;
        try {
            last = Failsafe.with(retry).get(() -> attempt(uri, etag, lastModified));
        } catch (FailsafeException e) {
            if (e.getCause() instanceof InterruptedException ie) {
                throw ie;
            }
            throw new UpstreamException(uri + ": " + e.getCause(), true, null, e.getCause());
        }
        if (last.failure() != null) {
            throw last.failure();
        }
        return last.answer();
    }

    private Attempt attempt(URI uri, String etag, String lastModified) throws InterruptedException {
        inFlight.acquire();
        try {
            RateLimiter<Object> limiter = limiterFor(uri);
            if (limiter != null) {
                limiter.acquirePermit();
            }
            requests.increment();
            HttpRequest.Builder b = HttpRequest.newBuilder(uri).GET().timeout(options.requestTimeout())
                    .header("User-Agent", options.userAgent()).header("Accept", "application/json");
            if (etag != null) {
                b.header("If-None-Match", etag);
            }
            if (lastModified != null) {
                b.header("If-Modified-Since", lastModified);
            }
            // why limited while streaming: an endless or huge answer is cut off at maxBytes instead of filling the heap
            var call = http.sendAsync(b.build(), LimitedBody.handler(options.maxBytes()));
            try {
                // why: HttpClient's own timeout ends when the headers arrive; this bounds the body too
                return judge(uri, call.get(options.requestTimeout().toNanos(), TimeUnit.NANOSECONDS));
            } catch (TimeoutException e) {
                call.cancel(true);
                return failed(uri + ": no complete answer within " + options.requestTimeout().toSeconds() + " s", true, null, e);
            } catch (InterruptedException e) {
                call.cancel(true);
                throw e;
            } catch (ExecutionException e) {
                Throwable t = e.getCause();
                if (t instanceof LimitedBody.TooLarge big) {
                    return failed(uri + " answered a body over the " + options.maxBytes() + "-byte limit"
                            + (big.declared() >= 0 ? " (Content-Length " + big.declared() + ")" : "; stopped reading there"), false, null, null);
                }
                boolean io = t instanceof IOException;
                boolean connect = t instanceof java.net.ConnectException || t != null && t.getCause() instanceof java.net.ConnectException;
                String what = t instanceof HttpTimeoutException ? "timed out" : connect ? "cannot reach " + uri.getAuthority()
                        : io ? "connection broke off" : "failed";
                return failed(uri + ": " + what + " (" + detail(t) + ")", io, null, t);
            }
        } finally {
            inFlight.release();
        }
    }

    /** The first message in the cause chain; the JDK's connection errors often have none at the top. */
    private static String detail(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c.getMessage() != null && !c.getMessage().isBlank()) {
                return c.getMessage();
            }
        }
        return t == null ? "no detail" : t.getClass().getSimpleName();
    }

    private Attempt judge(URI uri, HttpResponse<byte[]> r) {
        int status = r.statusCode();
        var h = r.headers();
        if (status == 304) {
            return new Attempt(new Answer.NotModified(uri), null);
        }
        if (status == 404 || status == 410) {
            return new Attempt(new Answer.Gone(uri, status), null);
        }
        if (status == 200) {
            byte[] body = r.body();
            String type = h.firstValue("content-type").orElse("").toLowerCase(Locale.ROOT);
            if (type.startsWith("text/html") || startsWithMarkup(body)) {
                return failed(uri + " answered an HTML page with status 200 instead of JSON (content type "
                        + (type.isBlank() ? "none" : type) + ")", true, null, null);
            }
            return new Attempt(new Answer.Document(uri, body, h.firstValue("etag").orElse(null),
                    h.firstValue("last-modified").orElse(null)), null);
        }
        if (status == 408 || status == 425 || status == 429 || status >= 500) {
            Duration after = HttpRetryAfter.parse(h.firstValue("retry-after").orElse(null), clock.instant()).orElse(null);
            return failed(uri + " answered HTTP " + status + (after == null ? "" : " (Retry-After " + after.toSeconds() + " s)"), true, after, null);
        }
        if (status >= 300 && status < 400) {
            return failed(uri + " kept redirecting (HTTP " + status + " to " + h.firstValue("location").orElse("nowhere")
                    + " after following " + hops(r) + " redirects): a redirect loop or too many hops", false, null, null);
        }
        return failed(uri + " answered HTTP " + status, false, null, null);
    }

    private static int hops(HttpResponse<?> r) {
        int n = 0;
        for (var p = r.previousResponse(); p.isPresent(); p = p.get().previousResponse()) {
            n++;
        }
        return n;
    }

    private static boolean startsWithMarkup(byte[] body) {
        for (byte b : body) {
            if (b == ' ' || b == '\n' || b == '\r' || b == '\t') {
                continue;
            }
            return b == '<';
        }
        return false;
    }

    private static Attempt failed(String message, boolean retryable, Duration retryAfter, Throwable cause) {
        return new Attempt(null, new UpstreamException(message, retryable, retryAfter, cause));
    }

    private RateLimiter<Object> limiterFor(URI uri) {
        if (options.perHostPerSecond() <= 0) {
            return null;
        }
        String host = uri.getHost() + ":" + uri.getPort();
        return perHost.computeIfAbsent(host, k -> {
            // why: smooth (evenly spaced permits) rather than bursty, so a fresh worker pool does not hit the host at once
            long nanosPerPermit = (long) (1e9 / options.perHostPerSecond());
            return RateLimiter.smoothBuilder(Duration.ofNanos(Math.max(1, nanosPerPermit))).build();
        });
    }

    private Duration delayBefore(Attempt last, int failedAttempts) {
        if (last != null && last.failure() != null && last.failure().retryAfter() != null) {
            return last.failure().retryAfter();
        }
        return backoff.delay(failedAttempts, ThreadLocalRandom.current());
    }

    @Override
    public void close() {
        http.close();
    }
}
