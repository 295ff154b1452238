package dev.pokepedia.core.http;

import dev.pokepedia.core.Backoff;
import dev.pokepedia.core.HttpRetryAfter;
import dev.pokepedia.core.LimitedBody;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.BodySubscribers;
import java.net.http.HttpResponse.ResponseInfo;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GETs over java.net.http, politely; the one HTTP client of the project's upstream and media fetching.
 *
 * <ul>
 *   <li>At most {@code maxInFlight} requests in flight (a fair semaphore held only for the exchange, never while
 *       waiting to retry) and a smooth rate limit per host or per client, retries included.</li>
 *   <li>Status triage: 2xx and 304 → {@link HttpOutcome.Ok}; 404/410 → {@link HttpOutcome.Gone}; 408, 425, 429 and
 *       5xx, timeouts, refused or broken connections are retried up to {@code maxAttempts} in all, after exactly the
 *       server's {@code Retry-After} when it sends one, else after {@link Backoff} delays; every other status, a
 *       redirect not followed, an HTML page where something else was {@link Wanted} and a body over the size limit
 *       → {@link HttpOutcome.Failed} at once.</li>
 *   <li>The answer timeout bounds headers and body together (the JDK's own request timeout ends at the headers);
 *       the body is collected by {@link LimitedBody}, so a huge or endless one is cut off at the limit.</li>
 * </ul>
 *
 * Redirects are followed (not https → http). Thread-safe; callers on many (virtual) threads share the limits.
 * An interrupt ends a GET at once with {@link InterruptedException} and cancels its request.
 */
public final class PoliteHttpClient implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PoliteHttpClient.class);

    /** Told about requests and retries, e.g. to count them in metrics. Called on the requesting thread. */
    public interface Listener {
        default void requestSent(URI uri, int attempt) {
        }

        default void retrying(URI uri, int failedAttempt, Duration wait) {
        }

        Listener NONE = new Listener() {
        };
    }

    private final PoliteHttpConfig config;
    private final Clock clock;
    private final Ticker ticker;
    private final Listener listener;
    private final HttpClient http;
    private final Semaphore inFlight;
    private final RateLimits rateLimits;
    private final LongAdder requests = new LongAdder();
    private final LongAdder retries = new LongAdder();

    public PoliteHttpClient(PoliteHttpConfig config) {
        this(config, Clock.systemUTC(), Ticker.system(), Listener.NONE);
    }

    /**
     * @param clock  reads an HTTP-date {@code Retry-After}
     * @param ticker paces: rate limit, backoff and {@code Retry-After} waits
     */
    public PoliteHttpClient(PoliteHttpConfig config, Clock clock, Ticker ticker, Listener listener) {
        this(config, clock, ticker, listener, HostScope.Resolver.SYSTEM);
    }

    /** @param resolver tells, for {@link PoliteHttpConfig.RateScope#PUBLIC_HOSTS}, where a host name points */
    public PoliteHttpClient(PoliteHttpConfig config, Clock clock, Ticker ticker, Listener listener, HostScope.Resolver resolver) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(config.connectTimeout())
                .build();
        this.inFlight = new Semaphore(config.maxInFlight(), true);
        this.rateLimits = new RateLimits(config.requestsPerSecond(), config.rateScope(), ticker, Objects.requireNonNull(resolver, "resolver"));
    }

    public PoliteHttpConfig config() {
        return config;
    }

    /** Requests sent so far, first attempts and retries. */
    public long requests() {
        return requests.sum();
    }

    /** Requests that were retries. */
    public long retries() {
        return retries.sum();
    }

    /**
     * GETs {@code uri}, retrying as configured.
     *
     * @param headers sent besides User-Agent and Accept (e.g. If-None-Match); null values are left out
     */
    public HttpOutcome get(URI uri, Wanted wanted, Map<String, String> headers) throws InterruptedException {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(wanted, "wanted");
        HttpRequest request = request(uri, wanted, headers);
        for (int attempt = 1; ; attempt++) {
            HttpOutcome outcome = attempt(request, wanted, attempt);
            if (!(outcome instanceof HttpOutcome.Failed f) || !f.problem().retriedInline() || attempt >= config.maxAttempts()) {
                return outcome;
            }
            Duration wait = f.retryAfter() == null ? config.backoff().delay(attempt, ThreadLocalRandom.current())
                    : f.retryAfter().compareTo(config.maxRetryAfter()) <= 0 ? f.retryAfter()
                    : config.longRetryAfter() == PoliteHttpConfig.LongRetryAfter.WAIT_THE_CAP ? config.maxRetryAfter()
                    : null;
            if (wait == null) {
                return outcome; // why: the caller retries later itself; holding a thread that long helps nobody
            }
            if (log.isDebugEnabled()) {
                log.debug("GET {} attempt {}/{}{}; retrying in {}", uri, attempt, config.maxAttempts(), f.problem().describe(), human(wait));
            }
            retries.increment();
            listener.retrying(uri, attempt, wait);
            ticker.sleep(wait);
        }
    }

    private HttpRequest request(URI uri, Wanted wanted, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).GET().timeout(config.answerTimeout())
                .header("User-Agent", config.userAgent()).header("Accept", wanted.accept());
        if (headers != null) {
            headers.forEach((name, value) -> {
                if (value != null) {
                    b.header(name, value);
                }
            });
        }
        return b.build();
    }

    /** One request: waits for a slot and the rate limit, then sends, and judges the answer. */
    private HttpOutcome attempt(HttpRequest request, Wanted wanted, int attempt) throws InterruptedException {
        URI uri = request.uri();
        inFlight.acquire();
        try {
            rateLimits.await(uri);
            requests.increment();
            listener.requestSent(uri, attempt);
            CompletableFuture<HttpResponse<byte[]>> call = http.sendAsync(request, this::body);
            try {
                // why: the JDK's request timeout ends when the headers arrive; this bounds the body too
                return judge(uri, wanted, call.get(config.answerTimeout().toNanos(), TimeUnit.NANOSECONDS), attempt);
            } catch (TimeoutException e) {
                call.cancel(true);
                return failed(uri, new HttpProblem.TimedOut("no complete answer", config.answerTimeout()), null, attempt, e);
            } catch (InterruptedException e) {
                call.cancel(true);
                throw e;
            } catch (ExecutionException e) {
                return failed(uri, classify(e.getCause()), null, attempt, e.getCause());
            }
        } finally {
            inFlight.release();
        }
    }

    private BodySubscriber<byte[]> body(ResponseInfo info) {
        int status = info.statusCode();
        if (status < 200 || status >= 300) {
            return BodySubscribers.replacing(null); // error pages, 304s, final redirects: the body is not wanted
        }
        return LimitedBody.subscriber(config.maxBytes(), LimitedBody.declaredLength(info));
    }

    private HttpOutcome judge(URI uri, Wanted wanted, HttpResponse<byte[]> response, int attempt) {
        int status = response.statusCode();
        HttpHeaders headers = response.headers();
        if (status >= 200 && status < 300 || status == 304) {
            byte[] body = response.body() == null ? new byte[0] : response.body();
            String type = headers.firstValue("content-type").orElse("");
            if (status != 304 && HtmlSniffer.isHtml(type, body, wanted.kind())) {
                URI via = response.uri().equals(uri) ? null : response.uri();
                return failed(uri, new HttpProblem.Html(status, type, wanted.description(), via), null, attempt, null);
            }
            return new HttpOutcome.Ok(uri, status, headers, body, response.uri(), attempt);
        }
        if (status == 404 || status == 410) {
            return new HttpOutcome.Gone(uri, status, attempt);
        }
        if (status >= 300 && status < 400) {
            return failed(uri, redirectNotFollowed(response), null, attempt, null);
        }
        Duration retryAfter = HttpRetryAfter.parse(headers.firstValue("retry-after").orElse(null), clock.instant()).orElse(null);
        HttpProblem.Status problem = new HttpProblem.Status(status, retryAfter);
        return failed(uri, problem, problem.retryable() ? retryAfter : null, attempt, null);
    }

    /** HttpClient returns the last 3xx when it stops following: a loop, too many hops, or an https → http downgrade. */
    private static HttpProblem redirectNotFollowed(HttpResponse<?> response) {
        int status = response.statusCode();
        Optional<String> location = response.headers().firstValue("location");
        if (location.isEmpty()) {
            return new HttpProblem.Redirect(" answered HTTP " + status + " without a Location to follow");
        }
        URI target;
        try {
            target = response.uri().resolve(location.get());
        } catch (IllegalArgumentException e) {
            return new HttpProblem.Redirect(" answered HTTP " + status + " with a malformed Location '" + location.get() + "'");
        }
        Set<URI> visited = new LinkedHashSet<>();
        int hops = -1;
        for (HttpResponse<?> hop = response; hop != null; hop = hop.previousResponse().orElse(null)) {
            visited.add(hop.uri());
            hops++;
        }
        if (visited.contains(target)) {
            return new HttpProblem.Redirect(": redirect loop (HTTP " + status + " from " + response.uri() + " back to "
                    + target + " after " + hops + " redirects)");
        }
        if ("https".equalsIgnoreCase(response.uri().getScheme()) && "http".equalsIgnoreCase(target.getScheme())) {
            return new HttpProblem.Redirect(": redirect from https to http not followed (to " + target + ")");
        }
        return new HttpProblem.Redirect(": too many redirects (stopped after " + hops + ", next was " + target + ")");
    }

    private HttpProblem classify(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof LimitedBody.TooLarge big) {
                return new HttpProblem.TooLarge(config.maxBytes(), big.declared());
            }
        }
        if (t instanceof HttpConnectTimeoutException) {
            return new HttpProblem.TimedOut("could not connect", config.connectTimeout());
        }
        if (t instanceof HttpTimeoutException) {
            return new HttpProblem.TimedOut("no answer", config.answerTimeout());
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ConnectException) {
                return new HttpProblem.ConnectionFailed("could not connect (" + detail(t) + ")");
            }
        }
        if (t instanceof IOException) {
            return new HttpProblem.ConnectionFailed("connection broke off (" + detail(t) + ")");
        }
        return new HttpProblem.Unexpected(t);
    }

    private static HttpOutcome.Failed failed(URI uri, HttpProblem problem, Duration retryAfter, int attempt, Throwable cause) {
        return new HttpOutcome.Failed(uri, problem, retryAfter, attempt, cause);
    }

    /** The first message in the cause chain; the JDK's connection errors often have none at the top. */
    private static String detail(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c.getMessage() != null && !c.getMessage().isBlank()) {
                return c.getMessage();
            }
        }
        return t.getClass().getSimpleName();
    }

    static String human(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    @Override
    public void close() {
        http.close();
    }
}
