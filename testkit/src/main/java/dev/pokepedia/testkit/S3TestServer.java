package dev.pokepedia.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real S3 API server for tests: <a href="https://github.com/gaul/s3proxy">S3Proxy</a> with an in-memory blobstore,
 * listening on 127.0.0.1 on a free port, requiring AWS signature v2/v4 with {@link #accessKey()}/{@link #secretKey()}.
 *
 * <p>It runs in a child JVM (S3Proxy brings Jetty, jclouds, Guice, Azure and Netty jars that must not mix with the
 * test classpath). Its classpath is recorded by the testkit build ({@code s3proxy.classpath}). The child exits when
 * this server is closed or when the test JVM dies.
 *
 * <p>Use as {@code @RegisterExtension static S3TestServer s3 = new S3TestServer();} (started before all tests of the
 * class, stopped after), or {@code try (S3TestServer s3 = new S3TestServer().start()) { ... }}.
 */
public final class S3TestServer implements AutoCloseable, BeforeAllCallback, AfterAllCallback {

    public static final String ACCESS_KEY = "pokepedia-test-access-key";
    public static final String SECRET_KEY = "pokepedia-test-secret-key";
    public static final String REGION = "us-east-1";

    private static final String CLASSPATH_RESOURCE = "s3proxy.classpath";
    private static final long START_TIMEOUT_SECONDS = 90;
    private static final int LOG_TAIL_LINES = 60;

    private final String servicePath;
    private final Deque<String> logTail = new ArrayDeque<>();
    private Process process;
    private URI endpoint;
    private Path logDir;

    /** A server answering at the root path of its endpoint. */
    public S3TestServer() {
        this("");
    }

    /**
     * A server answering under a path prefix, like Supabase Storage's {@code /storage/v1/s3}; {@link #endpoint()}
     * then includes the prefix. Such a server accepts any credentials: S3Proxy 3.0.0 cannot check v4 signatures under
     * a service path (it puts the prefix into the signed path twice), so it only proves the addressing.
     */
    public S3TestServer(String servicePath) {
        this.servicePath = servicePath == null ? "" : servicePath;
    }

    /** Starts the child JVM and returns once it serves requests; no-op if already running. */
    public synchronized S3TestServer start() {
        if (process != null) {
            return this;
        }
        try {
            logDir = Files.createTempDirectory("s3testserver");
            Path logback = logDir.resolve("logback.xml");
            Files.writeString(logback, """
                    <configuration>
                      <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                        <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{36} - %msg%n</pattern></encoder>
                      </appender>
                      <root level="LEVEL"><appender-ref ref="OUT"/></root>
                    </configuration>
                    """.replace("LEVEL", System.getProperty("pokepedia.s3testserver.logLevel", "WARN")));
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-Dlogback.configurationFile=" + logback, "-cp", childClasspath(),
                    S3ProxyLauncher.class.getName(), ACCESS_KEY, SECRET_KEY, servicePath));
            process = new ProcessBuilder(command).directory(logDir.toFile()).redirectErrorStream(true).start();
        } catch (IOException | RuntimeException e) {
            close();
            if (e instanceof IOException io) {
                throw new UncheckedIOException("could not start the S3Proxy child JVM", io);
            }
            throw (RuntimeException) e;
        }

        CompletableFuture<Integer> ready = new CompletableFuture<>();
        Process p = process;
        Thread drainer = new Thread(() -> drain(p.getInputStream(), ready), "s3testserver-output");
        drainer.setDaemon(true);
        drainer.start();

        int port;
        try {
            port = ready.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("interrupted while starting S3Proxy", e);
        } catch (ExecutionException | TimeoutException e) {
            String tail = logTail();
            close();
            throw new IllegalStateException("S3Proxy did not start: "
                    + (e instanceof ExecutionException ? e.getCause().getMessage()
                    : "not ready within " + START_TIMEOUT_SECONDS + " s")
                    + "\n--- its output ---\n" + tail, e);
        }
        endpoint = URI.create("http://127.0.0.1:" + port + servicePath);
        return this;
    }

    private void drain(InputStream in, CompletableFuture<Integer> ready) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!ready.isDone() && line.startsWith(S3ProxyLauncher.READY_PREFIX)) {
                    ready.complete(Integer.parseInt(line.substring(S3ProxyLauncher.READY_PREFIX.length()).trim()));
                    continue;
                }
                synchronized (logTail) {
                    logTail.addLast(line);
                    if (logTail.size() > LOG_TAIL_LINES) {
                        logTail.removeFirst();
                    }
                }
            }
            // end of its output: the child has exited (a no-op once it was ready)
            ready.completeExceptionally(new IllegalStateException("S3Proxy exited before it was ready"));
        } catch (IOException | RuntimeException e) {
            ready.completeExceptionally(e);
        }
    }

    /**
     * The last lines S3Proxy printed, for diagnosing a failed test: warnings and errors, or more with the system
     * property {@code pokepedia.s3testserver.logLevel=DEBUG}.
     */
    public String logTail() {
        synchronized (logTail) {
            return String.join("\n", logTail);
        }
    }

    private static String childClasspath() throws IOException {
        String recorded;
        try (InputStream in = S3TestServer.class.getResourceAsStream(CLASSPATH_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("testkit resource " + CLASSPATH_RESOURCE + " is missing: build testkit"
                        + " with Maven (its dependency:build-classpath execution writes it)");
            }
            recorded = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
        Path testkit;
        try {
            testkit = Path.of(S3TestServer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return testkit + java.io.File.pathSeparator + recorded;
    }

    /** Stops the server (its data is lost); later requests to {@link #endpoint()} get connection refused. */
    @Override
    public synchronized void close() {
        Process p = process;
        if (p != null) {
            try {
                p.getOutputStream().close(); // the child halts on EOF
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (IOException e) {
                p.destroyForcibly();
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            process = null;
        }
        if (logDir != null) {
            try (var files = Files.list(logDir)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.deleteIfExists(f);
                }
                Files.deleteIfExists(logDir);
            } catch (IOException ignored) {
                // a temp dir left behind is harmless
            }
            logDir = null;
        }
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** {@code http://127.0.0.1:<port>} plus the service path, if any. */
    public URI endpoint() {
        if (endpoint == null) {
            throw new IllegalStateException("S3TestServer is not started");
        }
        return endpoint;
    }

    public String accessKey() {
        return ACCESS_KEY;
    }

    public String secretKey() {
        return SECRET_KEY;
    }

    public String region() {
        return REGION;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }
}
