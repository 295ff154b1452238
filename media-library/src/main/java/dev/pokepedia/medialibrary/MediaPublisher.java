package dev.pokepedia.medialibrary;

import dev.pokepedia.core.Sha256;
import dev.pokepedia.media.ObjectStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the objects of one of our storage buckets (the mirrored sprites and cries) into the media library's
 * provider, so an app can use the provider's delivery (Cloudinary's transformations) on them, then brings the catalog
 * in line with a reconcile of the target prefix.
 *
 * <p>Idempotent by SHA-256: each published asset carries its source's hash in its context ({@code sha256}; the S3
 * provider keeps context as user metadata), and an object whose target already has that hash is not sent again. So a
 * rerun after a kill lists the target once, sends only what is missing or changed, and never uploads an object twice;
 * an asset that reached the provider but not the catalog before the kill is recorded by the closing reconcile.
 *
 * <p>Naming: the target public id is the prefix plus the object path; on Cloudinary, images and audio/video lose their
 * file extension (Cloudinary keeps the format apart and adds it to delivery URLs), raw files keep it.
 */
public final class MediaPublisher {

    private static final Logger log = LoggerFactory.getLogger(MediaPublisher.class);
    /** The context key holding the source's SHA-256 (hex). */
    public static final String SHA256 = "sha256";
    /** The context key naming the source object ({@code bucket/path}). */
    public static final String SOURCE = "source";
    private static final int LIST_PAGE = 500;

    private final MediaLibrary library;
    private final ObjectStore source;
    private final int concurrency;

    /** @param concurrency uploads in flight at once (1..64) */
    public MediaPublisher(MediaLibrary library, ObjectStore source, int concurrency) {
        this.library = Objects.requireNonNull(library, "library");
        this.source = Objects.requireNonNull(source, "source");
        if (concurrency < 1 || concurrency > 64) {
            throw new IllegalArgumentException("concurrency: 1..64, got " + concurrency);
        }
        this.concurrency = concurrency;
    }

    /**
     * Publishes every object of {@code bucket} under {@code prefix} (empty or ending in {@code /}).
     *
     * @param dryRun count what would be sent; send and write nothing
     * @throws RuntimeException anything but a provider's refusal of one object stops the run (rerun to resume)
     */
    public PublishReport publish(String bucket, String prefix, boolean dryRun) {
        String p = PublishTarget.prefix(prefix);
        Map<String, Long> objects = source.list(bucket);
        if (objects == null) {
            throw new IllegalStateException("the storage " + source.describe() + " cannot list bucket " + bucket);
        }
        List<String> paths = objects.keySet().stream().sorted().toList();
        Map<String, String> published = publishedHashes(p);
        AtomicLong uploaded = new AtomicLong();
        AtomicLong unchanged = new AtomicLong();
        Map<String, String> failed = new ConcurrentHashMap<>();
        Semaphore slots = new Semaphore(concurrency);
        java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();
        List<Future<?>> running = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String path : paths) {
                slots.acquireUninterruptibly();
                Future<?> f = pool.submit(() -> {
                    try {
                        if (stopped.get()) {
                            return null; // why: after a failure that stops the run, start no new upload
                        }
                        switch (one(bucket, path, p, published, dryRun)) {
                            case UPLOADED -> uploaded.incrementAndGet();
                            case UNCHANGED -> unchanged.incrementAndGet();
                            case MISSING -> failed.put(path, "vanished from the bucket while publishing");
                        }
                    } catch (ProviderException e) {
                        failed.put(path, e.getMessage());
                    } catch (RuntimeException e) {
                        stopped.set(true);
                        throw e;
                    } finally {
                        slots.release();
                    }
                    return null;
                });
                running.add(f);
                if (running.size() >= concurrency * 4) {
                    drain(running);
                }
            }
            drain(running);
        }
        log.info("published {} of {}: {} uploaded, {} unchanged, {} failed{}", bucket, paths.size(), uploaded.get(),
                unchanged.get(), failed.size(), dryRun ? " (dry run)" : "");
        ReconcileReport catalog = dryRun ? null : library.reconcile(new ReconcileOptions(p, 500, false, false, 0));
        return new PublishReport(paths.size(), uploaded.get(), unchanged.get(), failed, catalog);
    }

    private enum Outcome { UPLOADED, UNCHANGED, MISSING }

    private Outcome one(String bucket, String path, String prefix, Map<String, String> published, boolean dryRun) {
        ObjectStore.StoredObject head = source.head(bucket, path).orElse(null);
        if (head == null) {
            return Outcome.MISSING;
        }
        String contentType = contentType(path, head.contentType());
        AssetRef ref = target(prefix, path, contentType);
        String have = published.get(ref.publicId());
        String storedHash = head.sha256();
        if (have != null && have.equalsIgnoreCase(String.valueOf(storedHash))) {
            return Outcome.UNCHANGED; // why: the store's recorded hash saves downloading what the target has
        }
        byte[] bytes = source.get(bucket, path).orElse(null);
        if (bytes == null) {
            return Outcome.MISSING;
        }
        String sha = Sha256.hex(bytes);
        if (have != null && have.equalsIgnoreCase(sha)) {
            return Outcome.UNCHANGED;
        }
        if (!dryRun) {
            library.upload(new UploadRequest(ref, bytes, contentType, List.of("pokepedia", bucket),
                    Map.of(SHA256, sha, SOURCE, bucket + "/" + path), null), "publish " + bucket);
        }
        return Outcome.UPLOADED;
    }

    /** Public id → the SHA-256 its context records, for every asset of the provider under the prefix. */
    private Map<String, String> publishedHashes(String prefix) {
        Map<String, String> out = new HashMap<>();
        String cursor = null;
        do {
            AssetPage page = library.provider().list(prefix, cursor, LIST_PAGE);
            for (ProviderAsset a : page.assets()) {
                String sha = a.context().get(SHA256);
                if (sha != null) {
                    out.put(a.publicId(), sha);
                }
            }
            cursor = page.nextCursor();
        } while (cursor != null);
        return out;
    }

    private AssetRef target(String prefix, String path, String contentType) {
        ResourceType type = ResourceType.ofContentType(contentType);
        String id = prefix + path;
        if (library.provider().kind().equals("cloudinary") && type != ResourceType.RAW) {
            int dot = id.lastIndexOf('.');
            if (dot > id.lastIndexOf('/') + 1) {
                id = id.substring(0, dot);
            }
        }
        return new AssetRef(type, id);
    }

    /** The stored content type, else one from the extension (sprites: PNG, GIF, SVG; cries: OGG). */
    static String contentType(String path, String stored) {
        if (stored != null && !stored.isBlank() && !stored.equals("application/octet-stream")) {
            return stored;
        }
        String ext = path.substring(path.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        return switch (ext) {
            case "png" -> "image/png";
            case "gif" -> "image/gif";
            case "svg" -> "image/svg+xml";
            case "jpg", "jpeg" -> "image/jpeg";
            case "webp" -> "image/webp";
            case "ogg" -> "audio/ogg";
            default -> "application/octet-stream";
        };
    }

    private static void drain(List<Future<?>> running) {
        try {
            for (Future<?> f : running) {
                f.get();
            }
        } catch (ExecutionException e) {
            running.forEach(f -> f.cancel(true));
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.forEach(f -> f.cancel(true));
            throw new IllegalStateException("publish interrupted", e);
        }
        running.clear();
    }
}
