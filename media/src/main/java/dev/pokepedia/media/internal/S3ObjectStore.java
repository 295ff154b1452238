package dev.pokepedia.media.internal;

import dev.pokepedia.core.Throwables;
import dev.pokepedia.media.ObjectStore;
import dev.pokepedia.media.StorageException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateBucketRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * {@link ObjectStore} on an S3-compatible service (Supabase Storage, MinIO, R2, AWS S3) through the AWS SDK v2 with
 * path-style addressing. The SHA-256 of each object is kept as user metadata {@code sha256}; Content-MD5 is never
 * sent (Supabase's S3 endpoint does not support it), nor the SDK's newer flexible checksums, which S3-compatible
 * services often reject. Objects above the multipart threshold are uploaded in parts of that size.
 *
 * <p>Failures become {@link StorageException}s naming the bucket and path: 401/403 are not retriable (credentials,
 * region or bucket policy), 5xx, 408, 429/SlowDown, timeouts and connection errors are (after the SDK's own
 * retries), any other 4xx is not. Thread-safe.
 */
public final class S3ObjectStore implements ObjectStore {

    /** Objects larger than this go up as multipart uploads, in parts of this size. */
    public static final long DEFAULT_MULTIPART_THRESHOLD = 8L * 1024 * 1024;
    /** S3's minimum size of every part but the last. */
    public static final long MIN_PART_SIZE = 5L * 1024 * 1024;
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(60);
    static final Duration CALL_TIMEOUT = Duration.ofMinutes(5);
    static final int MAX_ATTEMPTS = 4;

    private static final Logger log = LoggerFactory.getLogger(S3ObjectStore.class);
    private static final String SHA256_METADATA = "sha256";
    private static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";

    private final S3Config config;
    private final long multipartThreshold;
    private volatile S3Client client;

    public S3ObjectStore(S3Config config) {
        this(config, DEFAULT_MULTIPART_THRESHOLD);
    }

    /** @param multipartThreshold at least {@link #MIN_PART_SIZE}: the size above which, and the parts in which, to upload */
    public S3ObjectStore(S3Config config, long multipartThreshold) {
        this.config = Objects.requireNonNull(config, "config");
        if (multipartThreshold < MIN_PART_SIZE) {
            throw new IllegalArgumentException("multipart threshold " + multipartThreshold + " is below the S3 minimum"
                    + " part size " + MIN_PART_SIZE);
        }
        this.multipartThreshold = multipartThreshold;
    }

    /**
     * why: the SDK client, and even its builder (regions, credentials, HTTP client, retry strategy), costs a good part of
     * a second of class loading; a run that finds nothing to do never needs any of it
     */
    private S3Client s3() {
        S3Client c = client;
        if (c == null) {
            synchronized (this) {
                c = client;
                if (c == null) {
                    c = build();
                    client = c;
                }
            }
        }
        return c;
    }

    private S3Client build() {
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(config.region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(config.accessKey(), config.secretKey())))
                .forcePathStyle(true)
                .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(Apache5HttpClient.builder()
                        .connectionTimeout(CONNECT_TIMEOUT)
                        .socketTimeout(ATTEMPT_TIMEOUT)
                        .maxConnections(64))
                .overrideConfiguration(o -> o
                        .apiCallAttemptTimeout(ATTEMPT_TIMEOUT)
                        .apiCallTimeout(CALL_TIMEOUT)
                        .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                                .maxAttempts(MAX_ATTEMPTS).build()));
        if (config.endpoint() != null) {
            builder.endpointOverride(config.endpoint());
        }
        return builder.build();
    }

    @Override
    public void ensureBucket(String bucket) {
        Objects.requireNonNull(bucket, "bucket");
        try {
            s3().headBucket(b -> b.bucket(bucket));
            return;
        } catch (NoSuchBucketException e) {
            // create it below
        } catch (AwsServiceException e) {
            if (e.statusCode() != 404) {
                throw failure("check bucket", bucket, null, e);
            }
        } catch (SdkException e) {
            throw failure("check bucket", bucket, null, e);
        }
        try {
            CreateBucketRequest.Builder create = CreateBucketRequest.builder().bucket(bucket);
            if (config.endpoint() == null && !config.region().equals("us-east-1")) {
                // only AWS itself wants a location constraint; S3-compatible services may reject one they do not know
                create.createBucketConfiguration(c -> c.locationConstraint(config.region()));
            }
            s3().createBucket(create.build());
            log.info("created bucket {} at {}", bucket, describe());
        } catch (BucketAlreadyOwnedByYouException e) {
            // created concurrently by this account: what we wanted
        } catch (SdkException e) {
            throw failure("create bucket", bucket, null, e);
        }
    }

    @Override
    public void put(String bucket, String path, byte[] content, String contentType, String sha256) {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(content, "content");
        String type = contentType == null || contentType.isBlank() ? DEFAULT_CONTENT_TYPE : contentType;
        Map<String, String> metadata = sha256 == null ? Map.of() : Map.of(SHA256_METADATA, sha256);
        if (content.length > multipartThreshold) {
            putMultipart(bucket, path, content, type, metadata);
            return;
        }
        try {
            s3().putObject(r -> r.bucket(bucket).key(path).contentType(type).contentLength((long) content.length)
                    .metadata(metadata), body(content, 0, content.length, type));
        } catch (SdkException e) {
            throw failure("put", bucket, path, e);
        }
    }

    private void putMultipart(String bucket, String path, byte[] content, String type, Map<String, String> metadata) {
        String uploadId;
        try {
            uploadId = s3().createMultipartUpload(r -> r.bucket(bucket).key(path).contentType(type).metadata(metadata))
                    .uploadId();
        } catch (SdkException e) {
            throw failure("start multipart upload", bucket, path, e);
        }
        int partCount = (int) ((content.length + multipartThreshold - 1) / multipartThreshold);
        try {
            List<CompletedPart> parts = new ArrayList<>(partCount);
            for (int i = 0; i < partCount; i++) {
                int partNumber = i + 1;
                int offset = (int) (i * multipartThreshold);
                int length = (int) Math.min(multipartThreshold, content.length - (long) offset);
                UploadPartResponse response = s3().uploadPart(r -> r.bucket(bucket).key(path).uploadId(uploadId)
                                .partNumber(partNumber).contentLength((long) length),
                        body(content, offset, length, type));
                parts.add(CompletedPart.builder().partNumber(partNumber).eTag(response.eTag()).build());
            }
            s3().completeMultipartUpload(r -> r.bucket(bucket).key(path).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts)));
            log.debug("uploaded {}/{} in {} parts", bucket, path, partCount);
        } catch (RuntimeException e) {
            try {
                s3().abortMultipartUpload(r -> r.bucket(bucket).key(path).uploadId(uploadId));
            } catch (RuntimeException abortFailure) {
                e.addSuppressed(abortFailure);
                log.warn("could not abort multipart upload {} of {}/{}: {}", uploadId, bucket, path,
                        abortFailure.toString());
            }
            if (e instanceof SdkException sdk) {
                throw failure("multipart upload (" + partCount + " parts)", bucket, path, sdk);
            }
            throw e;
        }
    }

    /** A body over a slice of {@code content}, without copying it; each (re)try reads it afresh. */
    private static RequestBody body(byte[] content, int offset, int length, String type) {
        return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(content, offset, length), length, type);
    }

    @Override
    public Optional<StoredObject> head(String bucket, String path) {
        return ifExists(() -> {
            HeadObjectResponse r = s3().headObject(b -> b.bucket(bucket).key(path));
            return new StoredObject(r.contentLength() == null ? 0 : r.contentLength(), sha256(r.metadata()),
                    r.contentType());
        }, "head", bucket, path);
    }

    @Override
    public Optional<byte[]> get(String bucket, String path) {
        return ifExists(() -> {
            ResponseBytes<GetObjectResponse> bytes = s3().getObjectAsBytes(b -> b.bucket(bucket).key(path));
            return bytes.asByteArrayUnsafe();
        }, "get", bucket, path);
    }

    @Override
    public void delete(String bucket, String path) {
        try {
            s3().deleteObject(b -> b.bucket(bucket).key(path));
        } catch (NoSuchKeyException | NoSuchBucketException e) {
            // already gone
        } catch (SdkException e) {
            throw failure("delete", bucket, path, e);
        }
    }

    @Override
    public java.util.Map<String, Long> list(String bucket) {
        java.util.Map<String, Long> out = new java.util.HashMap<>();
        try {
            for (var page : s3().listObjectsV2Paginator(b -> b.bucket(bucket).maxKeys(1000))) {
                page.contents().forEach(o -> out.put(o.key(), o.size()));
            }
            return out;
        } catch (NoSuchBucketException e) {
            return out;
        } catch (SdkException e) {
            return null; // why: listing is an optimisation; without it the engine asks per object
        }
    }

    @Override
    public String describe() {
        return config.describe();
    }

    @Override
    public void close() {
        S3Client c = client;
        if (c != null) {
            c.close();
        }
    }

    @Override
    public String toString() {
        return "S3ObjectStore[" + describe() + "]";
    }

    private <T> Optional<T> ifExists(Supplier<T> call, String operation, String bucket, String path) {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(path, "path");
        try {
            return Optional.of(call.get());
        } catch (NoSuchBucketException e) {
            throw failure(operation, bucket, path, e);
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (AwsServiceException e) {
            // HEAD responses have no body, so a missing bucket is a plain 404 there too: absent either way
            if (e.statusCode() == 404 && !"NoSuchBucket".equals(errorCode(e))) {
                return Optional.empty();
            }
            throw failure(operation, bucket, path, e);
        } catch (SdkException e) {
            throw failure(operation, bucket, path, e);
        }
    }

    private static String sha256(Map<String, String> metadata) {
        if (metadata == null) {
            return null;
        }
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            if (e.getKey().equalsIgnoreCase(SHA256_METADATA)) {
                return e.getValue();
            }
        }
        return null;
    }

    private StorageException failure(String operation, String bucket, String path, SdkException e) {
        String target = path == null ? "bucket " + bucket : bucket + "/" + path;
        String where = " at " + describe();
        if (e instanceof AwsServiceException service) {
            int status = service.statusCode();
            String code = errorCode(service);
            String detail = "HTTP " + status + (code == null ? "" : " " + code)
                    + (service.awsErrorDetails() != null && service.awsErrorDetails().errorMessage() != null
                    ? ": " + service.awsErrorDetails().errorMessage() : "");
            String message = "S3 " + operation + " of " + target + where + " failed: " + detail;
            if (status == 401 || status == 403) {
                return new StorageException(message, "check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (a signature"
                        + " mismatch also comes from a wrong region, now " + config.region() + ") and that the key"
                        + " may use bucket " + bucket + " (bucket policy / key permissions)", false, e);
            }
            boolean retriable = status >= 500 || status == 408 || status == 429 || "SlowDown".equals(code)
                    || "RequestTimeout".equals(code);
            if ("NoSuchBucket".equals(code)) {
                return new StorageException(message, "create the bucket first (ensureBucket)", false, e);
            }
            return new StorageException(message, retriable ? "the storage service is busy or failing; try again later"
                    : "", retriable, e);
        }
        if (e instanceof AbortedException) {
            Thread.currentThread().interrupt();
            return new StorageException("S3 " + operation + " of " + target + where + " was interrupted", "", true, e);
        }
        boolean timeout = e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException;
        if (timeout || e instanceof SdkClientException && Throwables.hasCause(e, IOException.class)) {
            return new StorageException("S3 " + operation + " of " + target + where + " failed: could not reach the"
                    + " storage service (" + rootMessage(e) + ")", "check that the storage service at "
                    + describe() + " is running and reachable; the next run retries", true, e);
        }
        return new StorageException("S3 " + operation + " of " + target + where + " failed: " + rootMessage(e), "",
                false, e);
    }

    private static String errorCode(AwsServiceException e) {
        return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e.getMessage()) : root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
