package dev.pokepedia.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pokepedia.media.ObjectStore.StoredObject;
import dev.pokepedia.media.internal.S3Config;
import dev.pokepedia.media.internal.S3ObjectStore;
import dev.pokepedia.testkit.S3TestServer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;

/** {@link S3ObjectStore} against a real S3 API server (S3Proxy, see {@link S3TestServer}). */
class S3ObjectStoreIT {

    @RegisterExtension
    static final S3TestServer server = new S3TestServer();

    private static final long PART = S3ObjectStore.MIN_PART_SIZE;
    private static final AtomicInteger buckets = new AtomicInteger();

    /** A plain SDK client, to look at what the store left on the server independently of the store. */
    private static S3Client raw;

    private S3ObjectStore store;
    private String bucket;

    @BeforeAll
    static void rawClient() {
        raw = S3Client.builder()
                .endpointOverride(server.endpoint())
                .region(Region.of(server.region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(server.accessKey(), server.secretKey())))
                .forcePathStyle(true)
                .httpClientBuilder(Apache5HttpClient.builder())
                .build();
    }

    @AfterAll
    static void closeRawClient() {
        raw.close();
    }

    @BeforeEach
    void openStore() {
        store = new S3ObjectStore(config(server, server.secretKey()), PART);
        bucket = "test-bucket-" + buckets.incrementAndGet();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private static S3Config config(S3TestServer s, String secretKey) {
        return new S3Config(s.endpoint(), s.region(), s.accessKey(), secretKey, null);
    }

    @Test
    void ensureBucketCreatesAMissingBucketAndIsIdempotent() {
        assertThatThrownBy(() -> raw.headBucket(b -> b.bucket(bucket))).isInstanceOf(NoSuchBucketException.class);

        store.ensureBucket(bucket);
        store.ensureBucket(bucket);

        raw.headBucket(b -> b.bucket(bucket));
        assertThat(raw.listBuckets().buckets()).filteredOn(b -> b.name().equals(bucket)).hasSize(1);
    }

    @Test
    void ensureBucketFromManyThreadsAtOnceSucceedsForEveryThread() throws Exception {
        int threads = 8;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    store.ensureBucket(bucket);
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : results) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        raw.headBucket(b -> b.bucket(bucket));
    }

    @Test
    void putThenHeadAndGetKeepBytesContentTypeAndSha256() {
        store.ensureBucket(bucket);
        byte[] png = randomBytes(70_000, 1);

        store.put(bucket, "sprites/pokemon/25.png", png, "image/png", sha256(png));

        assertThat(store.head(bucket, "sprites/pokemon/25.png"))
                .contains(new StoredObject(png.length, sha256(png), "image/png"));
        assertThat(store.get(bucket, "sprites/pokemon/25.png")).hasValueSatisfying(b -> assertThat(b).isEqualTo(png));
        HeadObjectResponse onServer = raw.headObject(b -> b.bucket(bucket).key("sprites/pokemon/25.png"));
        assertThat(onServer.metadata()).containsEntry("sha256", sha256(png));
        assertThat(onServer.contentType()).isEqualTo("image/png");
    }

    @Test
    void putReplacesAnExistingObject() {
        store.ensureBucket(bucket);
        byte[] first = "first".getBytes(StandardCharsets.UTF_8);
        byte[] second = "the second version".getBytes(StandardCharsets.UTF_8);

        store.put(bucket, "cries/latest/25.ogg", first, "audio/ogg", sha256(first));
        store.put(bucket, "cries/latest/25.ogg", second, "audio/ogg", sha256(second));

        assertThat(store.head(bucket, "cries/latest/25.ogg"))
                .contains(new StoredObject(second.length, sha256(second), "audio/ogg"));
        assertThat(store.get(bucket, "cries/latest/25.ogg")).hasValueSatisfying(b -> assertThat(b).isEqualTo(second));
    }

    @Test
    void headAndGetOfAMissingObjectAreEmpty() {
        store.ensureBucket(bucket);

        assertThat(store.head(bucket, "sprites/pokemon/99999.png")).isEmpty();
        assertThat(store.get(bucket, "sprites/pokemon/99999.png")).isEmpty();
    }

    @Test
    void deleteRemovesTheObjectAndToleratesOneThatIsGone() {
        store.ensureBucket(bucket);
        byte[] bytes = randomBytes(100, 2);
        store.put(bucket, "sprites/items/potion.png", bytes, "image/png", sha256(bytes));

        store.delete(bucket, "sprites/items/potion.png");
        store.delete(bucket, "sprites/items/potion.png");

        assertThat(store.head(bucket, "sprites/items/potion.png")).isEmpty();
    }

    @Test
    void objectAboveTheMultipartThresholdIsUploadedInPartsAndRoundTrips() {
        store.ensureBucket(bucket);
        byte[] big = randomBytes((int) (2 * PART + 1024 * 1024), 3); // 11 MiB: parts of 5, 5 and 1 MiB

        store.put(bucket, "big/archive.bin", big, "application/octet-stream", sha256(big));

        // the ETag of an object assembled by CompleteMultipartUpload ends in -<number of parts>
        assertThat(raw.headObject(b -> b.bucket(bucket).key("big/archive.bin")).eTag()).endsWith("-3\"");
        assertThat(store.head(bucket, "big/archive.bin"))
                .contains(new StoredObject(big.length, sha256(big), "application/octet-stream"));
        assertThat(store.get(bucket, "big/archive.bin")).hasValueSatisfying(b -> assertThat(b).isEqualTo(big));
        assertThat(raw.listMultipartUploads(b -> b.bucket(bucket)).uploads()).isEmpty();
    }

    @Test
    void objectExactlyAtTheThresholdIsUploadedInOnePiece() {
        store.ensureBucket(bucket);
        byte[] exact = randomBytes((int) PART, 4);

        store.put(bucket, "big/exact.bin", exact, "application/octet-stream", sha256(exact));

        assertThat(raw.headObject(b -> b.bucket(bucket).key("big/exact.bin")).eTag()).doesNotContain("-");
        assertThat(store.head(bucket, "big/exact.bin")).hasValueSatisfying(o -> {
            assertThat(o.size()).isEqualTo(exact.length);
            assertThat(o.sha256()).isEqualTo(sha256(exact));
        });
    }

    @Test
    void putIntoAMissingBucketFailsNotRetriableNamingBucketAndPath() {
        byte[] small = randomBytes(10, 5);
        byte[] big = randomBytes((int) PART + 1, 6);

        assertThatThrownBy(() -> store.put(bucket, "a/small.png", small, "image/png", sha256(small)))
                .isInstanceOfSatisfying(StorageException.class, e -> {
                    assertThat(e.retriable()).isFalse();
                    assertThat(e.getMessage()).contains(bucket + "/a/small.png", "404", "NoSuchBucket");
                });
        assertThatThrownBy(() -> store.put(bucket, "a/big.bin", big, "application/octet-stream", sha256(big)))
                .isInstanceOfSatisfying(StorageException.class, e -> {
                    assertThat(e.retriable()).isFalse();
                    assertThat(e.getMessage()).contains(bucket + "/a/big.bin", "multipart");
                });
    }

    @Test
    void wrongSecretKeyIsRefusedAsNotRetriableNamingTheBucketAndHintingAtCredentials() {
        try (S3ObjectStore wrong = new S3ObjectStore(config(server, "not-the-secret"), PART)) {
            assertThatThrownBy(() -> wrong.ensureBucket(bucket))
                    .isInstanceOfSatisfying(StorageException.class, e -> {
                        assertThat(e.retriable()).isFalse();
                        assertThat(e.getMessage()).contains("bucket " + bucket, "403");
                        assertThat(e.hint()).contains("AWS_SECRET_ACCESS_KEY", "bucket policy");
                    });
            store.ensureBucket(bucket);
            byte[] bytes = randomBytes(10, 7);
            assertThatThrownBy(() -> wrong.put(bucket, "sprites/x.png", bytes, "image/png", sha256(bytes)))
                    .isInstanceOfSatisfying(StorageException.class, e -> {
                        assertThat(e.retriable()).isFalse();
                        assertThat(e.getMessage()).contains(bucket + "/sprites/x.png", "403");
                    });
        }
        assertThat(store.head(bucket, "sprites/x.png")).isEmpty();
    }

    @Test
    void serverThatIsDownGivesARetriableErrorNamingBucketAndPath() {
        S3TestServer doomed = new S3TestServer().start();
        try (S3ObjectStore s = new S3ObjectStore(config(doomed, doomed.secretKey()), PART)) {
            s.ensureBucket("pokedex-sprites");
            byte[] bytes = randomBytes(10, 8);
            s.put("pokedex-sprites", "sprites/pokemon/1.png", bytes, "image/png", sha256(bytes));

            doomed.close();

            assertThatThrownBy(() -> s.head("pokedex-sprites", "sprites/pokemon/1.png"))
                    .isInstanceOfSatisfying(StorageException.class, e -> {
                        assertThat(e.retriable()).isTrue();
                        assertThat(e.getMessage()).contains("pokedex-sprites/sprites/pokemon/1.png",
                                "could not reach", s.describe());
                    });
            assertThatThrownBy(() -> s.put("pokedex-sprites", "sprites/pokemon/2.png", bytes, "image/png",
                    sha256(bytes)))
                    .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.retriable()).isTrue());
        } finally {
            doomed.close();
        }
    }

    @Test
    void endpointWithAPathPrefixLikeSupabaseStorageWorks() {
        try (S3TestServer prefixed = new S3TestServer("/storage/v1/s3").start();
                S3ObjectStore s = new S3ObjectStore(config(prefixed, prefixed.secretKey()), PART)) {
            assertThat(s.describe()).endsWith("/storage/v1/s3");
            s.ensureBucket("pokedex-cries");
            byte[] ogg = randomBytes(5000, 9);

            s.put("pokedex-cries", "cries/latest/1.ogg", ogg, "audio/ogg", sha256(ogg));

            assertThat(s.head("pokedex-cries", "cries/latest/1.ogg"))
                    .contains(new StoredObject(ogg.length, sha256(ogg), "audio/ogg"));
            assertThat(s.get("pokedex-cries", "cries/latest/1.ogg")).hasValueSatisfying(b -> assertThat(b).isEqualTo(ogg));
        }
    }

    @Test
    void describeNamesTheEndpointWithoutCredentials() {
        assertThat(store.describe())
                .isEqualTo("s3://127.0.0.1:" + server.endpoint().getPort())
                .doesNotContain(server.secretKey())
                .doesNotContain(server.accessKey());
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
