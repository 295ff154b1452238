package dev.pokepedia.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * Main class of the child JVM that {@link S3TestServer} starts: S3Proxy on an in-memory jclouds blobstore, on
 * 127.0.0.1 with a free port, AWS v2/v4 authentication with the given credentials (none under a service path). Prints
 * {@value #READY_PREFIX}{@code <port>} once it serves requests, and exits when its standard input closes, so it
 * never outlives the test JVM that started it (even one killed with -9).
 *
 * <p>Only this class touches S3Proxy; it runs with S3Proxy's own classpath, never on the test classpath.
 */
final class S3ProxyLauncher {

    static final String READY_PREFIX = "S3PROXY-READY port=";

    private S3ProxyLauncher() {
    }

    /** Arguments: access key, secret key, service path ("" for none). */
    public static void main(String[] args) throws Exception {
        String accessKey = args[0];
        String secretKey = args[1];
        String servicePath = args.length > 2 ? args[2] : "";

        // jclouds' own in-memory blobstore: unlike S3Proxy's transient-nio2 it gives multipart objects S3's
        // "<md5 of part md5s>-<parts>" ETag, which tests use to see that an upload really was multipart
        BlobStoreContext context = ContextBuilder.newBuilder("transient")
                .credentials("unused", "unused")
                .build(BlobStoreContext.class);
        S3Proxy.Builder builder = S3Proxy.builder()
                .blobStore(context.getBlobStore())
                .endpoint(URI.create("http://127.0.0.1:0"));
        if (servicePath.isEmpty()) {
            builder.awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey);
        } else {
            // S3Proxy 3.0.0 checks v4 signatures against servicePath + the full request path (the prefix twice), so
            // it refuses every correctly signed request under a service path: such a server checks no signatures
            builder.servicePath(servicePath);
        }
        S3Proxy proxy = builder.build();
        proxy.start();

        Thread watchdog = new Thread(() -> {
            try (InputStream in = System.in) {
                while (in.read() >= 0) {
                    // wait for EOF: the parent closed the pipe or died
                }
            } catch (IOException ignored) {
                // the parent is gone either way
            }
            Runtime.getRuntime().halt(0);
        }, "parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();

        System.out.println(READY_PREFIX + proxy.getPort());
        System.out.flush();
    }
}
