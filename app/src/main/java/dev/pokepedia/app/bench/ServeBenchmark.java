package dev.pokepedia.app.bench;

import static dev.pokepedia.app.bench.Latencies.percentileMs;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Load generator for {@code serve}: {@code clients} keep-alive HTTP/1.1 connections, each on its own virtual thread,
 * sending one URL back to back (closed loop) for a fixed time after a warm-up, with {@code Accept-Encoding: gzip} as
 * apps send it. Latency is measured per request from writing the request to reading the last body byte.
 *
 * @param base     the server measured
 * @param clients  concurrent connections
 * @param warmup   unmeasured load before each measurement
 * @param duration measured load per URL
 * @param log      where progress goes
 */
public record ServeBenchmark(URI base, int clients, Duration warmup, Duration duration, PrintStream log) {

    /** What one URL did. */
    public record Result(String path, long requests, long failures, double seconds, double p50Ms, double p90Ms, double p99Ms,
                         double maxMs, long bytes) {
        public double perSecond() {
            return requests / seconds;
        }
    }

    /**
     * Random realistic traffic: each request of each client a different URL from {@code urls} (warm-up, then measured),
     * reported as one row named {@code label}.
     */
    public Result runRandom(String label, java.util.function.Supplier<String> urls) throws Exception {
        log.printf("warming up random URLs for %d s …%n", warmup.toSeconds());
        load(label, urls, warmup);
        log.printf("measuring random URLs for %d s with %d clients …%n", duration.toSeconds(), clients);
        return load(label, urls, duration);
    }

    public List<Result> run(List<String> paths) throws Exception {
        List<Result> out = new ArrayList<>();
        for (String path : paths) {
            log.printf("warming up %s for %d s …%n", path, warmup.toSeconds());
            load(path, () -> path, warmup);
            log.printf("measuring %s for %d s with %d clients …%n", path, duration.toSeconds(), clients);
            out.add(load(path, () -> path, duration));
        }
        return out;
    }

    public static void print(List<Result> results, int clients, PrintStream out) {
        out.printf("%-66s %9s %9s %8s %8s %8s %8s %7s%n", "URL (" + clients + " clients, gzip)", "requests", "req/s", "p50 ms", "p90 ms",
                "p99 ms", "max ms", "errors");
        for (Result r : results) {
            out.printf(Locale.ROOT, "%-66s %9d %9.0f %8.2f %8.2f %8.2f %8.1f %7d%n", r.path(), r.requests(), r.perSecond(), r.p50Ms(),
                    r.p90Ms(), r.p99Ms(), r.maxMs(), r.failures());
        }
    }

    private Result load(String path, java.util.function.Supplier<String> urls, Duration length) throws Exception {
        long end = System.nanoTime() + length.toNanos();
        List<Future<long[]>> futures = new ArrayList<>();
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < clients; i++) {
                futures.add(ex.submit(() -> client(urls, end)));
            }
            long started = System.nanoTime();
            List<long[]> perClient = new ArrayList<>();
            for (Future<long[]> f : futures) {
                perClient.add(f.get());
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            return summarise(path, perClient, seconds);
        }
    }

    /** Returns [failures, bytes, latency₀, latency₁, …] in nanoseconds. */
    private byte[] request(String path) {
        return ("GET " + path + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                + "\r\nAccept-Encoding: gzip\r\nUser-Agent: pokepedia-bench\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    private long[] client(java.util.function.Supplier<String> urls, long endNanos) throws IOException {
        long[] lat = new long[1 << 16];
        int n = 2;
        long failures = 0;
        long bytes = 0;
        Socket socket = null;
        InputStream in = null;
        OutputStream out = null;
        while (System.nanoTime() < endNanos) {
            if (socket == null) {
                socket = new Socket(base.getHost(), base.getPort());
                socket.setTcpNoDelay(true);
                in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
                out = socket.getOutputStream();
            }
            byte[] request = request(urls.get());
            long t0 = System.nanoTime();
            out.write(request);
            out.flush();
            Response r = Response.read(in);
            long t = System.nanoTime() - t0;
            if (n == lat.length) {
                lat = Arrays.copyOf(lat, lat.length * 2);
            }
            lat[n++] = t;
            bytes += r.bodyBytes();
            if (r.status() >= 400) {
                failures++;
            }
            if (r.close()) {
                socket.close();
                socket = null;
            }
        }
        if (socket != null) {
            socket.close();
        }
        lat[0] = failures;
        lat[1] = bytes;
        return Arrays.copyOf(lat, n);
    }

    private static Result summarise(String path, List<long[]> perClient, double seconds) {
        long failures = 0;
        long bytes = 0;
        int total = 0;
        for (long[] c : perClient) {
            failures += c[0];
            bytes += c[1];
            total += c.length - 2;
        }
        long[] all = new long[total];
        int i = 0;
        for (long[] c : perClient) {
            System.arraycopy(c, 2, all, i, c.length - 2);
            i += c.length - 2;
        }
        Arrays.sort(all);
        return new Result(path, total, failures, seconds, percentileMs(all, 0.50), percentileMs(all, 0.90), percentileMs(all, 0.99),
                all.length == 0 ? 0 : all[all.length - 1] / 1e6, bytes);
    }

    /** The parts of an HTTP/1.1 response the load generator needs; the body is read and dropped. */
    private record Response(int status, long bodyBytes, boolean close) {

        static Response read(InputStream in) throws IOException {
            String statusLine = line(in);
            if (statusLine == null || statusLine.length() < 12) {
                throw new IOException("connection closed by the server");
            }
            int status = Integer.parseInt(statusLine.substring(9, 12));
            ResponseHeaders headers = ResponseHeaders.read(() -> line(in));
            long length = headers.contentLength();
            long body = 0;
            if (headers.chunked()) {
                while (true) {
                    long size = Long.parseLong(line(in).split(";")[0].trim(), 16);
                    if (size == 0) {
                        line(in);
                        break;
                    }
                    in.skipNBytes(size);
                    body += size;
                    line(in);
                }
            } else if (length > 0) {
                in.skipNBytes(length);
                body = length;
            }
            return new Response(status, body, headers.close());
        }

        private static String line(InputStream in) throws IOException {
            StringBuilder b = new StringBuilder(64);
            int c;
            while ((c = in.read()) != -1) {
                if (c == '\n') {
                    int len = b.length();
                    return len > 0 && b.charAt(len - 1) == '\r' ? b.substring(0, len - 1) : b.toString();
                }
                b.append((char) c);
            }
            return b.isEmpty() ? null : b.toString();
        }
    }
}
