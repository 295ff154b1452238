package dev.pokepedia.app;

import dev.pokepedia.testkit.S3TestServer;
import java.util.Map;

/** The environment that configures a media library provider on a bucket of testkit's S3 server, as a user sets it. */
final class S3LibraryEnv {

    private S3LibraryEnv() {
    }

    static Map<String, String> of(S3TestServer s3, String bucket) {
        return Map.of("MEDIA_LIBRARY_S3_BUCKET", bucket, "AWS_ACCESS_KEY_ID", s3.accessKey(),
                "AWS_SECRET_ACCESS_KEY", s3.secretKey(), "AWS_ENDPOINT_URL", s3.endpoint().toString());
    }
}
