package dev.pokepedia.medialibrary.internal;

import dev.pokepedia.core.ConfigurationException;
import dev.pokepedia.medialibrary.AssetChanges;
import dev.pokepedia.medialibrary.AssetPage;
import dev.pokepedia.medialibrary.AssetRef;
import dev.pokepedia.medialibrary.DeleteResult;
import dev.pokepedia.medialibrary.MediaProvider;
import dev.pokepedia.medialibrary.ProviderAsset;
import dev.pokepedia.medialibrary.ProviderException;
import dev.pokepedia.medialibrary.ProviderException.Kind;
import dev.pokepedia.medialibrary.ResourceType;
import dev.pokepedia.medialibrary.S3LibraryConfig;
import dev.pokepedia.medialibrary.UploadRequest;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@link MediaProvider} over an S3-compatible bucket (AWS SDK v2, path-style). The public id is the object key;
 * the asset's version is its last-modified time in ms and its etag the object's ETag. Tags are user metadata
 * {@code tags} (comma-separated, URL-encoded), the display name is user metadata {@code display-name} and context
 * entries are user metadata {@code ctx-<key>}. Metadata is not in a listing, so each listed object is read with a
 * HEAD, fanned out on virtual threads.
 *
 * <p>why metadata rather than S3 object tagging: tagging is missing from many S3-compatible services (S3Proxy answers
 * 501, Supabase Storage has none), is limited to 10 tags, and would cost a second request per object.
 */
public final class S3Provider implements MediaProvider {

    static final String DISPLAY_NAME = "display-name";
    static final String CONTEXT_PREFIX = "ctx-";
    static final String TAGS = "tags";
    private static final int FAN_OUT = 16;

    private final S3LibraryConfig config;
    private final S3Client s3;
    private final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
    private final Semaphore inFlight = new Semaphore(FAN_OUT);

    public S3Provider(S3LibraryConfig config) {
        this.config = config;
        S3ClientBuilder b = S3Client.builder()
                .region(Region.of(config.region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(config.accessKey(), config.secretKey())))
                .forcePathStyle(true)
                .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(Apache5HttpClient.builder().connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(Duration.ofSeconds(60)).maxConnections(FAN_OUT * 2));
        if (config.endpoint() != null) {
            b.endpointOverride(config.endpoint());
        }
        this.s3 = b.build();
    }

    @Override
    public String kind() {
        return "s3";
    }

    @Override
    public String cloud() {
        return config.bucket();
    }

    /** Creates the bucket if missing (a publish target, tests). */
    public void ensureBucket() {
        if (!bucketExists()) {
            try {
                s3.createBucket(c -> c.bucket(config.bucket()));
            } catch (SdkException e) {
                throw failure("create bucket", e);
            }
        }
    }

    /**
     * Refuses a missing bucket. Why not create it: a library is an existing bucket, and a mistyped name would
     * otherwise become a new empty bucket (even on a dry run) that reconciles as "nothing to do".
     */
    public void requireBucket() {
        if (!bucketExists()) {
            throw new ConfigurationException("S3 bucket " + config.bucket() + " does not exist"
                    + (config.endpoint() == null ? " on AWS S3 (" + config.region() + ")" : " at " + config.endpoint()),
                    "check MEDIA_LIBRARY_S3_BUCKET (and AWS_ENDPOINT_URL), or create the bucket first");
        }
    }

    private boolean bucketExists() {
        try {
            s3.headBucket(h -> h.bucket(config.bucket()));
            return true;
        } catch (AwsServiceException e) {
            if (e.statusCode() != 404) {
                throw failure("check bucket", e);
            }
            return false;
        } catch (SdkException e) {
            throw failure("check bucket", e);
        }
    }

    @Override
    public AssetPage list(String prefix, String cursor, int maxResults) {
        if (maxResults < 1 || maxResults > 1000) {
            throw new IllegalArgumentException("max results must be 1..1000, got " + maxResults);
        }
        ListObjectsV2Response page;
        try {
            page = s3.listObjectsV2(l -> {
                l.bucket(config.bucket()).maxKeys(maxResults);
                if (prefix != null && !prefix.isEmpty()) {
                    l.prefix(prefix);
                }
                if (cursor != null) {
                    l.continuationToken(cursor);
                }
            });
        } catch (SdkException e) {
            throw failure("list", e);
        }
        List<Future<Optional<ProviderAsset>>> details = new ArrayList<>();
        for (S3Object o : page.contents()) {
            details.add(pool.submit(() -> {
                inFlight.acquire();
                try {
                    return read(o.key());
                } finally {
                    inFlight.release();
                }
            }));
        }
        List<ProviderAsset> assets = new ArrayList<>();
        for (Future<Optional<ProviderAsset>> f : details) {
            try {
                f.get().ifPresent(assets::add); // gone between list and read: not listed
            } catch (ExecutionException e) {
                throw e.getCause() instanceof ProviderException p ? p : failure("read listed object", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failure("list (interrupted)", e);
            }
        }
        String next = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
        return new AssetPage(assets, next);
    }

    @Override
    public Optional<ProviderAsset> get(AssetRef ref) {
        return read(ref.publicId());
    }

    private Optional<ProviderAsset> read(String key) {
        HeadObjectResponse head;
        try {
            head = s3.headObject(h -> h.bucket(config.bucket()).key(key));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (AwsServiceException e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw failure("read " + key, e);
        } catch (SdkException e) {
            throw failure("read " + key, e);
        }
        Map<String, String> meta = head.metadata();
        Map<String, String> context = new TreeMap<>();
        meta.forEach((k, v) -> {
            if (k.startsWith(CONTEXT_PREFIX)) {
                context.put(decode(k.substring(CONTEXT_PREFIX.length())), decode(v));
            }
        });
        List<String> tagNames = new ArrayList<>();
        String joined = meta.get(TAGS);
        if (joined != null && !joined.isEmpty()) {
            for (String t : joined.split(",")) {
                tagNames.add(decode(t));
            }
        }
        int dot = key.lastIndexOf('.');
        String format = dot > key.lastIndexOf('/') && dot >= 0 ? key.substring(dot + 1).toLowerCase(Locale.ROOT) : null;
        long modified = head.lastModified().toEpochMilli();
        String displayName = meta.get(DISPLAY_NAME) == null ? null : decode(meta.get(DISPLAY_NAME));
        return Optional.of(new ProviderAsset(new AssetRef(ResourceType.ofContentType(head.contentType()), key), format,
                head.contentLength(), null, null, null, ProviderAsset.folderOf(key), displayName, tagNames, context,
                Map.of(), null, modified, stripQuotes(head.eTag()), head.lastModified(), head.lastModified()));
    }

    @Override
    public Optional<byte[]> content(AssetRef ref, long maxBytes) {
        Optional<ProviderAsset> a = read(ref.publicId());
        if (a.isEmpty() || a.get().bytes() == null || a.get().bytes() > maxBytes) {
            return Optional.empty();
        }
        try {
            return Optional.of(s3.getObjectAsBytes(g -> g.bucket(config.bucket()).key(ref.publicId())).asByteArray());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw failure("read " + ref.publicId(), e);
        }
    }

    @Override
    public ProviderAsset upload(UploadRequest request) {
        String key = request.ref().publicId();
        try {
            s3.putObject(p -> p.bucket(config.bucket()).key(key)
                            .contentType(request.contentType() == null ? "application/octet-stream" : request.contentType())
                            .metadata(metadata(request.displayName(), request.context(), request.tags())),
                    RequestBody.fromBytes(request.content()));
        } catch (SdkException e) {
            throw failure("upload " + key, e);
        }
        return read(key).orElseThrow(() -> new ProviderException(Kind.UNAVAILABLE, "S3 object " + key
                + " is not readable right after its upload", "retry", null));
    }

    @Override
    public boolean destroy(AssetRef ref) {
        boolean existed = read(ref.publicId()).isPresent();
        try {
            s3.deleteObject(d -> d.bucket(config.bucket()).key(ref.publicId()));
        } catch (SdkException e) {
            throw failure("delete " + ref.publicId(), e);
        }
        return existed;
    }

    @Override
    public DeleteResult delete(ResourceType type, Collection<String> publicIds) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String id : publicIds) {
            try {
                out.put(id, destroy(new AssetRef(type, id)) ? "deleted" : "not_found");
            } catch (ProviderException e) {
                if (e.retriable()) {
                    throw e;
                }
                out.put(id, "error: " + e.getMessage());
            }
        }
        return new DeleteResult(out);
    }

    @Override
    public ProviderAsset update(AssetRef ref, AssetChanges changes) {
        ProviderAsset current = read(ref.publicId()).orElseThrow(() -> notFound(ref.publicId()));
        try {
            // why a copy onto itself: S3 metadata can only be replaced by rewriting the object
            Map<String, String> ctx = changes.context() != null ? changes.context() : current.context();
            String name = changes.displayName() != null ? changes.displayName() : current.displayName();
            List<String> tags = changes.tags() != null ? changes.tags() : current.tags();
            String contentType = s3.headObject(h -> h.bucket(config.bucket()).key(ref.publicId())).contentType();
            s3.copyObject(c -> c.sourceBucket(config.bucket()).sourceKey(ref.publicId())
                    .destinationBucket(config.bucket()).destinationKey(ref.publicId())
                    .metadataDirective(MetadataDirective.REPLACE).contentType(contentType)
                    .metadata(metadata(name, ctx, tags)));
        } catch (SdkException e) {
            throw failure("update " + ref.publicId(), e);
        }
        return read(ref.publicId()).orElseThrow(() -> notFound(ref.publicId()));
    }

    @Override
    public ProviderAsset rename(AssetRef from, String toPublicId) {
        read(from.publicId()).orElseThrow(() -> notFound(from.publicId()));
        try {
            s3.copyObject(c -> c.sourceBucket(config.bucket()).sourceKey(from.publicId())
                    .destinationBucket(config.bucket()).destinationKey(toPublicId)
                    .metadataDirective(MetadataDirective.COPY));
            s3.deleteObject(d -> d.bucket(config.bucket()).key(from.publicId()));
        } catch (SdkException e) {
            throw failure("rename " + from.publicId(), e);
        }
        return read(toPublicId).orElseThrow(() -> notFound(toPublicId));
    }

    private static Map<String, String> metadata(String displayName, Map<String, String> context, List<String> tags) {
        Map<String, String> m = new LinkedHashMap<>();
        if (!tags.isEmpty()) {
            StringBuilder sb = new StringBuilder();
            for (String t : tags) {
                if (t.isBlank()) {
                    throw new ProviderException(Kind.REJECTED, "a tag must not be blank", "", null);
                }
                sb.append(sb.isEmpty() ? "" : ",").append(encode(t));
            }
            m.put(TAGS, sb.toString());
        }
        if (displayName != null) {
            m.put(DISPLAY_NAME, encode(displayName));
        }
        // why encode: S3 user metadata travels in HTTP headers (ASCII, case-insensitive names)
        context.forEach((k, v) -> m.put(CONTEXT_PREFIX + encode(k.toLowerCase(Locale.ROOT)), encode(v)));
        return m;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static String stripQuotes(String etag) {
        return etag == null ? null : etag.replace("\"", "");
    }

    private ProviderException notFound(String key) {
        return new ProviderException(Kind.NOT_FOUND, "S3 object " + key + " does not exist in bucket "
                + config.bucket(), "", null);
    }

    private ProviderException failure(String what, Throwable e) {
        Kind kind = Kind.UNAVAILABLE;
        if (e instanceof AwsServiceException a) {
            int status = a.statusCode();
            kind = status == 401 || status == 403 ? Kind.UNAUTHORIZED : status == 404 ? Kind.NOT_FOUND
                    : status == 429 || status == 503 ? Kind.RATE_LIMITED : status >= 500 ? Kind.UNAVAILABLE : Kind.REJECTED;
        }
        String message = String.valueOf(e.getMessage()).replace(config.secretKey(), "***");
        return new ProviderException(kind, "S3 " + what + " in bucket " + config.bucket() + " failed: " + message,
                kind == Kind.UNAUTHORIZED ? "check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY and the bucket policy" : "",
                e);
    }

    @Override
    public void close() {
        pool.close();
        s3.close();
    }

    @Override
    public String toString() {
        return "S3Provider[" + config + "]";
    }
}
