package dev.pokepedia.media.internal;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RateLimiter;
import dev.failsafe.RetryPolicy;
import dev.pokepedia.core.HttpRetryAfter;
import dev.pokepedia.core.LimitedBody;
import dev.pokepedia.media.Asset;
import dev.pokepedia.media.AssetSource;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.BodySubscribers;
import java.net.http.HttpResponse.ResponseInfo;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches asset bytes over HTTP, politely: from each asset's upstream URL, or from {@code mirrorBase/path}.
 *
 * <ul>
 *   <li>One virtual thread per asset, at most {@code concurrency} requests in flight (a fair semaphore held only
 *       for the exchange itself, not while waiting to retry), and a global smooth rate limit (Failsafe
 *       {@link RateLimiter}) over every request, retries included.</li>
 *   <li>Retries (Failsafe {@link RetryPolicy}, {@code maxAttempts} in all) on 408/425/429/5xx, timeouts, refused
 *       or broken connections and bodies cut short; the delay is exponential backoff with "equal jitter"
 *       (half fixed, half random) from {@code initialBackoff} up to {@code maxBackoff}, or exactly the server's
 *       {@code Retry-After} (seconds or HTTP-date) when it sends one, capped at {@code maxRetryAfter}.</li>
 *   <li>404/410 → {@code missing} (not an error, no retry). An HTML page where a file was expected, a body over
 *       {@code maxBytes} (never buffered beyond the limit), an empty body, a redirect loop or too many redirects,
 *       any other status → {@code failed} at once.</li>
 *   <li>The sink is called exactly once per wanted asset, from the asset's thread, after the bytes are complete. If
 *       {@code deliver} is interrupted it stops promptly, in-flight requests are cancelled, assets not finished get no
 *       sink call, and it throws {@link InterruptedException}. If the sink throws, the other fetches are stopped the
 *       same way and {@code deliver} rethrows the sink's exception.</li>
 * </ul>
 *
 * Thread-safe; one instance may serve several {@code deliver} calls (they share the limits). Close it to release
 * the HTTP client.
 */
public final class HttpAssetSource implements AssetSource, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HttpAssetSource.class);

    /** Assets started per request slot: the rest wait unstarted, which bounds threads and bytes held at once. */
    private static final int STARTED_PER_SLOT = 4;

    private final HttpSourceOptions options;
    private final HttpClient client;
    private final Semaphore inFlight;
    private final RateLimiter<Object> rateLimiter;
    private final RetryPolicy<Attempt> retryPolicy;
    private final LongAdder requests = new LongAdder();
    private final LongAdder retries = new LongAdder();

    public HttpAssetSource(HttpSourceOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(options.connectTimeout())
                .build();
        this.inFlight = new Semaphore(options.concurrency(), true);
        this.rateLimiter = options.requestsPerMinute() == 0
                ? null
                : RateLimiter.smoothBuilder(options.requestsPerMinute(), Duration.ofMinutes(1)).build();
        this.retryPolicy = RetryPolicy.<Attempt>builder()
                // why: only our Retry results are retried; exceptions (interrupts, bugs) end the execution at once
                .handleIf((result, exception) -> exception == null && result instanceof Attempt.Retry)
                .withMaxAttempts(options.maxAttempts())
                // why: a delay function instead of withBackoff/withJitter, because Failsafe would jitter a
                // Retry-After too, and a server asking for 1 s must not see us back after 0.7 s
                .withDelayFn(ctx -> delayBefore(ctx.getLastResult(), ctx.getAttemptCount()))
                .onRetry(e -> retries.increment())
                .build();
    }

    public HttpSourceOptions options() {
        return options;
    }

    /** Total attempts that were retries (every request after an asset's first). */
    public long retries() {
        return retries.sum();
    }

    /** Total requests sent, first attempts and retries. */
    public long requests() {
        return requests.sum();
    }

    @Override
    public String describe() {
        return options.mirrorBase() == null ? "upstream URLs over HTTP" : "HTTP mirror " + options.mirrorBase();
    }

    /** The URL the asset is fetched from. */
    public URI urlFor(Asset asset) {
        URI base = options.mirrorBase();
        if (base == null) {
            String url = asset.sourceUrl();
            if (url == null || url.isBlank()) {
                throw new IllegalArgumentException(asset.path() + " has no source URL to fetch it from");
            }
            URI uri;
            try {
                uri = new URI(url.trim());
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(asset.path() + " has a malformed source URL '" + url + "': "
                        + e.getReason());
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw new IllegalArgumentException(asset.path() + " has a source URL that is not http(s): '" + url + "'");
            }
            return uri;
        }
        String b = base.toString();
        while (b.endsWith("/")) {
            b = b.substring(0, b.length() - 1);
        }
        StringBuilder url = new StringBuilder(b);
        String path = asset.path() == null ? "" : asset.path();
        int segments = 0;
        for (String segment : path.split("/")) {
            if (segment.isEmpty()) {
                continue;
            }
            if (segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("asset path '" + path + "' has a '" + segment + "' segment");
            }
            url.append('/').append(encodeSegment(segment));
            segments++;
        }
        if (segments == 0) {
            throw new IllegalArgumentException("asset " + asset.id() + " has an empty path");
        }
        return URI.create(url.toString());
    }

    @Override
    public void deliver(Collection<Asset> wanted, AssetSink sink) throws InterruptedException {
        Objects.requireNonNull(wanted, "wanted");
        Objects.requireNonNull(sink, "sink");
        if (wanted.isEmpty()) {
            return;
        }
        Semaphore started = new Semaphore(options.concurrency() * STARTED_PER_SLOT);
        AtomicReference<Throwable> sinkError = new AtomicReference<>();
        boolean interrupted = false;
        ExecutorService threads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("http-source-", 0).factory());
        try {
            for (Asset asset : wanted) {
                if (sinkError.get() != null) {
                    break;
                }
                started.acquire();
                try {
                    threads.execute(() -> {
                        try {
                            fetchAndDeliver(asset, sink);
                        } catch (InterruptedException e) {
                            // deliver is being abandoned (interrupted, or the sink failed): no sink call
                        } catch (Throwable t) {
                            if (sinkError.compareAndSet(null, t)) {
                                threads.shutdownNow();
                            }
                        } finally {
                            started.release();
                        }
                    });
                } catch (RejectedExecutionException e) {
                    started.release();
                    break; // shut down because the sink failed
                }
            }
        } catch (InterruptedException e) {
            interrupted = true;
            threads.shutdownNow();
        } finally {
            threads.close(); // waits for every started asset; if interrupted meanwhile, stops them and re-interrupts
        }
        if (interrupted || Thread.interrupted()) {
            throw new InterruptedException("interrupted while fetching assets from " + describe());
        }
        Throwable t = sinkError.get();
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t instanceof Error err) {
            throw err;
        }
        if (t != null) {
            throw new IllegalStateException(t);
        }
    }

    private void fetchAndDeliver(Asset asset, AssetSink sink) throws InterruptedException {
        URI uri;
        try {
            uri = urlFor(asset);
        } catch (IllegalArgumentException e) {
            sink.failed(asset, e.getMessage());
            return;
        }
        int[] attempts = {0};
        Attempt outcome;
        try {
            outcome = Failsafe.with(retryPolicy).get(() -> attempt(asset, uri, ++attempts[0]));
        } catch (FailsafeException e) {
            if (e.getCause() instanceof InterruptedException ie) {
                throw ie;
            }
            outcome = new Attempt.Failed(uri + ": " + e.getCause());
        } catch (RuntimeException e) {
            outcome = new Attempt.Failed(uri + ": unexpected error: " + e);
        }
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException();
        }
        switch (outcome) {
            case Attempt.Found f -> sink.found(asset, f.bytes());
            case Attempt.Missing m -> sink.missing(asset, m.reason());
            case Attempt.Failed f -> sink.failed(asset, f.error());
            case Attempt.Retry r -> sink.failed(asset,
                    uri + ": " + r.reason() + " after " + attempts[0] + (attempts[0] == 1 ? " attempt" : " attempts"));
        }
    }

    /** One request: waits for a slot and the rate limiter, then sends, and judges the answer. */
    private Attempt attempt(Asset asset, URI uri, int attempt) throws InterruptedException {
        inFlight.acquire();
        try {
            if (rateLimiter != null) {
                rateLimiter.acquirePermit();
            }
            requests.increment();
            HttpRequest request = HttpRequest.newBuilder(uri)
                    .GET()
                    .timeout(options.requestTimeout())
                    .header("User-Agent", options.userAgent())
                    .header("Accept", accept(asset))
                    .build();
            CompletableFuture<HttpResponse<byte[]>> call = client.sendAsync(request, this::bodySubscriber);
            Attempt result;
            try {
                // why: the request timeout of HttpClient ends when the headers arrive; this bounds the body too
                result = judge(asset, uri, call.get(options.requestTimeout().toNanos(), TimeUnit.NANOSECONDS));
            } catch (TimeoutException e) {
                call.cancel(true);
                result = new Attempt.Retry("no complete answer within " + human(options.requestTimeout()), null);
            } catch (InterruptedException e) {
                call.cancel(true);
                throw e;
            } catch (ExecutionException e) {
                result = classify(uri, e.getCause());
            }
            if (result instanceof Attempt.Retry r && log.isDebugEnabled()) {
                log.debug("GET {} attempt {}/{}: {}{}", uri, attempt, options.maxAttempts(), r.reason(),
                        r.retryAfter() == null ? "" : " (Retry-After " + human(r.retryAfter()) + ")");
            }
            return result;
        } finally {
            inFlight.release();
        }
    }

    private BodySubscriber<byte[]> bodySubscriber(ResponseInfo info) {
        if (info.statusCode() != 200) {
            return BodySubscribers.replacing(null); // error pages, final redirects: the body is not wanted
        }
        return LimitedBody.subscriber(options.maxBytes(), LimitedBody.declaredLength(info));
    }

    private Attempt judge(Asset asset, URI uri, HttpResponse<byte[]> response) {
        int status = response.statusCode();
        HttpHeaders headers = response.headers();
        if (status == 200) {
            byte[] body = response.body();
            String type = headers.firstValue("content-type").orElse("");
            if (looksLikeHtml(type, body)) {
                String via = response.uri().equals(uri) ? "" : " (redirected to " + response.uri() + ")";
                return new Attempt.Failed(uri + via + " answered an HTML page instead of " + expected(asset)
                        + " (content type " + (type.isBlank() ? "none" : type) + ")");
            }
            if (body.length == 0) {
                return new Attempt.Failed(uri + " answered an empty body");
            }
            return new Attempt.Found(body);
        }
        if (status == 404 || status == 410) {
            return new Attempt.Missing(uri + " answered " + status);
        }
        if (status == 408 || status == 425 || status == 429 || status >= 500) {
            Duration retryAfter = HttpRetryAfter.parse(headers.firstValue("retry-after").orElse(null), Instant.now())
                    .map(d -> d.compareTo(options.maxRetryAfter()) > 0 ? options.maxRetryAfter() : d)
                    .orElse(null);
            return new Attempt.Retry("HTTP " + status, retryAfter);
        }
        if (status >= 300 && status < 400) {
            return redirectNotFollowed(uri, response);
        }
        return new Attempt.Failed(uri + " answered HTTP " + status);
    }

    /** HttpClient returns the last 3xx when it stops following: a loop, too many hops, or an https→http downgrade. */
    private static Attempt redirectNotFollowed(URI uri, HttpResponse<?> response) {
        int status = response.statusCode();
        Optional<String> location = response.headers().firstValue("location");
        if (location.isEmpty()) {
            return new Attempt.Failed(uri + " answered HTTP " + status + " without a Location to follow");
        }
        URI target;
        try {
            target = response.uri().resolve(location.get());
        } catch (IllegalArgumentException e) {
            return new Attempt.Failed(uri + " answered HTTP " + status + " with a malformed Location '" + location.get() + "'");
        }
        Set<URI> visited = new LinkedHashSet<>();
        int hops = -1;
        for (HttpResponse<?> hop = response; hop != null; hop = hop.previousResponse().orElse(null)) {
            visited.add(hop.uri());
            hops++;
        }
        if (visited.contains(target)) {
            return new Attempt.Failed(uri + ": redirect loop (HTTP " + status + " from " + response.uri() + " back to "
                    + target + " after " + hops + " redirects)");
        }
        if ("https".equalsIgnoreCase(response.uri().getScheme()) && "http".equalsIgnoreCase(target.getScheme())) {
            return new Attempt.Failed(uri + ": redirect from https to http not followed (to " + target + ")");
        }
        return new Attempt.Failed(uri + ": too many redirects (stopped after " + hops + ", next was " + target + ")");
    }

    private Attempt classify(URI uri, Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof LimitedBody.TooLarge big) {
                return new Attempt.Failed(uri + " answered a body larger than the " + options.maxBytes() + "-byte limit"
                        + (big.declared() >= 0 ? " (Content-Length " + big.declared() + ")" : ""));
            }
        }
        if (t instanceof HttpConnectTimeoutException) {
            return new Attempt.Retry("could not connect within " + human(options.connectTimeout()), null);
        }
        if (t instanceof HttpTimeoutException) {
            return new Attempt.Retry("no answer within " + human(options.requestTimeout()), null);
        }
        if (t instanceof ConnectException) {
            return new Attempt.Retry("could not connect (" + message(t) + ")", null);
        }
        if (t instanceof IOException) {
            return new Attempt.Retry("connection broke off (" + message(t) + ")", null);
        }
        return new Attempt.Failed(uri + ": " + t);
    }

    private Duration delayBefore(Attempt last, int failedAttempts) {
        if (last instanceof Attempt.Retry r && r.retryAfter() != null) {
            return r.retryAfter();
        }
        long max = options.maxBackoff().toNanos();
        long base = Math.min(options.initialBackoff().toNanos(), max);
        for (int i = 1; i < failedAttempts && base < max; i++) {
            base = base > max / 2 ? max : base * 2;
        }
        long half = base / 2;
        return Duration.ofNanos(base - half + ThreadLocalRandom.current().nextLong(half + 1));
    }

    @Override
    public void close() {
        client.close();
    }

    static boolean looksLikeHtml(String contentType, byte[] body) {
        String type = contentType.trim().toLowerCase(Locale.ROOT);
        if (type.startsWith("text/html") || type.startsWith("application/xhtml")) {
            return true;
        }
        int i = 0;
        if (body.length >= 3 && (body[0] & 0xFF) == 0xEF && (body[1] & 0xFF) == 0xBB && (body[2] & 0xFF) == 0xBF) {
            i = 3;
        }
        while (i < body.length && (body[i] == ' ' || body[i] == '\t' || body[i] == '\r' || body[i] == '\n')) {
            i++;
        }
        String head = new String(body, i, Math.min(32, body.length - i), StandardCharsets.ISO_8859_1)
                .toLowerCase(Locale.ROOT);
        return head.startsWith("<!doctype html") || head.startsWith("<html");
    }

    private static String expected(Asset asset) {
        return switch (asset.kind() == null ? "" : asset.kind()) {
            case "sprite" -> "an image";
            case "cry" -> "audio";
            default -> "the file";
        };
    }

    private static String accept(Asset asset) {
        return switch (asset.kind() == null ? "" : asset.kind()) {
            case "sprite" -> "image/*, */*;q=0.8";
            case "cry" -> "audio/*, */*;q=0.8";
            default -> "*/*";
        };
    }

    private static String encodeSegment(String segment) {
        StringBuilder out = new StringBuilder(segment.length());
        for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "-._~!$&'()*+,;=:@".indexOf(c) >= 0;
            if (plain) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return out.toString();
    }

    private static String human(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    private static String message(Throwable t) {
        return t.getMessage() == null || t.getMessage().isBlank() ? t.getClass().getSimpleName() : t.getMessage();
    }

    /** What one attempt came to; only {@link Retry} makes the retry policy try again. */
    private sealed interface Attempt {
        record Found(byte[] bytes) implements Attempt {}

        record Missing(String reason) implements Attempt {}

        record Failed(String error) implements Attempt {}

        /** @param retryAfter the server's Retry-After (capped), or null to use the backoff */
        record Retry(String reason, Duration retryAfter) implements Attempt {}
    }
}
