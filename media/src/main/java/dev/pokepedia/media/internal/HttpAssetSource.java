package dev.pokepedia.media.internal;

import dev.pokepedia.core.Backoff;
import dev.pokepedia.core.http.HttpOutcome;
import dev.pokepedia.core.http.PoliteHttpClient;
import dev.pokepedia.core.http.PoliteHttpConfig;
import dev.pokepedia.core.http.Wanted;
import dev.pokepedia.media.Asset;
import dev.pokepedia.media.AssetSource;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Fetches asset bytes over HTTP, politely: from each asset's upstream URL, or from {@code mirrorBase/path}, through
 * the shared {@link PoliteHttpClient} (its limits and triage; see there).
 *
 * <ul>
 *   <li>One virtual thread per asset, at most {@code concurrency} requests in flight, and one smooth rate limit over
 *       every request of this source, retries included.</li>
 *   <li>Retries ({@code maxAttempts} in all) on 408/425/429/5xx, timeouts, refused or broken connections and bodies
 *       cut short; the delay is exponential backoff with "equal jitter" (half fixed, half random) from
 *       {@code initialBackoff} up to {@code maxBackoff}, or exactly the server's {@code Retry-After} (seconds or
 *       HTTP-date) when it sends one, capped at {@code maxRetryAfter}.</li>
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

    /** Assets started per request slot: the rest wait unstarted, which bounds threads and bytes held at once. */
    private static final int STARTED_PER_SLOT = 4;

    private final HttpSourceOptions options;
    private final PoliteHttpClient client;

    public HttpAssetSource(HttpSourceOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.client = new PoliteHttpClient(config(options));
    }

    /** The shared client's settings for these options; the rate is over all requests, as the options promise. */
    static PoliteHttpConfig config(HttpSourceOptions o) {
        // why at least 1 ns: the options allow no backoff at all, Backoff wants a positive start
        Duration initial = o.initialBackoff().isZero() ? Duration.ofNanos(1) : o.initialBackoff();
        Duration max = o.maxBackoff().compareTo(initial) < 0 ? initial : o.maxBackoff();
        return new PoliteHttpConfig(o.concurrency(), o.requestsPerMinute() / 60.0, PoliteHttpConfig.RateScope.WHOLE_CLIENT,
                o.connectTimeout(), o.requestTimeout(), o.maxAttempts(), new Backoff(initial, max, 0.5), o.maxRetryAfter(),
                PoliteHttpConfig.LongRetryAfter.WAIT_THE_CAP, o.maxBytes(), o.userAgent());
    }

    public HttpSourceOptions options() {
        return options;
    }

    /** Total attempts that were retries (every request after an asset's first). */
    public long retries() {
        return client.retries();
    }

    /** Total requests sent, first attempts and retries. */
    public long requests() {
        return client.requests();
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
        HttpOutcome outcome;
        try {
            outcome = client.get(uri, wanted(asset), Map.of());
        } catch (RuntimeException e) {
            sink.failed(asset, uri + ": unexpected error: " + e);
            return;
        }
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException();
        }
        switch (outcome) {
            case HttpOutcome.Ok ok when ok.status() != 200 -> sink.failed(asset, uri + " answered HTTP " + ok.status());
            case HttpOutcome.Ok ok when ok.body().length == 0 -> sink.failed(asset, uri + " answered an empty body");
            case HttpOutcome.Ok ok -> sink.found(asset, ok.body());
            case HttpOutcome.Gone g -> sink.missing(asset, uri + " answered " + g.status());
            case HttpOutcome.Failed f -> sink.failed(asset, f.message());
        }
    }

    @Override
    public void close() {
        client.close();
    }

    private static Wanted wanted(Asset asset) {
        return switch (asset.kind()) {
            case SPRITE -> Wanted.bytes("an image", "image/*, */*;q=0.8");
            case CRY -> Wanted.bytes("audio", "audio/*, */*;q=0.8");
            case null -> Wanted.bytes("the file", "*/*");
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
}
