package dev.pokepedia.medialibrary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pokepedia.core.Sha256;
import dev.pokepedia.media.ObjectStore;
import dev.pokepedia.media.ObjectStores;
import dev.pokepedia.testkit.FreshDatabase;
import dev.pokepedia.medialibrary.fake.FakeCloudinary;
import dev.pokepedia.testkit.S3TestServer;
import dev.pokepedia.testkit.SettableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code media-library publish}: our storage bucket's objects into a media library (an S3 bucket of testkit's server),
 * idempotent by SHA-256 and resumable after a stop midway, and the catalog shows them afterwards.
 */
class PublishIT {

    @RegisterExtension
    static FreshDatabase db = new FreshDatabase();
    @RegisterExtension
    static S3TestServer s3 = new S3TestServer();

    static final String BUCKET = "pokedex-sprites";
    static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a};

    private static MediaProvider target(String bucket) {
        return MediaProviders.s3(new S3LibraryConfig(s3.endpoint(), s3.region(), s3.accessKey(), s3.secretKey(), bucket));
    }

    /** Five fixture objects, as the mirror stores them: four sprites and a cry. */
    private static ObjectStore fixtures() throws Exception {
        ObjectStore store = ObjectStores.open(Files.createTempDirectory("publish-source").toUri().toString(), Path.of("."),
                Map.of());
        for (int i = 1; i <= 4; i++) {
            put(store, "sprites/pokemon/" + i + ".png", png(i));
        }
        put(store, "cries/pokemon/latest/25.ogg", "OggS-fake-cry".getBytes(StandardCharsets.US_ASCII));
        return store;
    }

    private static byte[] png(int n) {
        byte[] b = new byte[PNG_MAGIC.length + 4];
        System.arraycopy(PNG_MAGIC, 0, b, 0, PNG_MAGIC.length);
        b[PNG_MAGIC.length] = (byte) n;
        return b;
    }

    private static void put(ObjectStore store, String path, byte[] bytes) {
        store.put(BUCKET, path, bytes, path.endsWith(".ogg") ? "audio/ogg" : "image/png", Sha256.hex(bytes));
    }

    @Test
    void a_second_publish_uploads_nothing_and_a_changed_object_is_sent_again() throws Exception {
        try (ObjectStore source = fixtures(); MediaProvider s3Target = target("publish-twice")) {
            CountingProvider provider = new CountingProvider(s3Target, Integer.MAX_VALUE);
            MediaLibrary library = new MediaLibrary(db.database(), provider);
            MediaPublisher publisher = new MediaPublisher(library, source, 4);

            PublishReport dry = publisher.publish(BUCKET, "pokedex", true);
            assertThat(dry.uploaded()).isEqualTo(5);
            assertThat(provider.uploads).isEmpty();
            assertThat(dry.catalog()).isNull();

            PublishReport first = publisher.publish(BUCKET, "pokedex", false);
            assertThat(first.listed()).isEqualTo(5);
            assertThat(first.uploaded()).isEqualTo(5);
            assertThat(first.failed()).isEmpty();
            assertThat(first.catalog().complete()).isTrue();
            ProviderAsset sprite = s3Target.get(AssetRef.image("pokedex/sprites/pokemon/1.png")).orElseThrow();
            assertThat(sprite.context()).containsEntry(MediaPublisher.SHA256, Sha256.hex(png(1)))
                    .containsEntry(MediaPublisher.SOURCE, BUCKET + "/sprites/pokemon/1.png");
            assertThat(s3Target.get(new AssetRef(ResourceType.VIDEO, "pokedex/cries/pokemon/latest/25.ogg"))).isPresent();

            PublishReport second = publisher.publish(BUCKET, "pokedex/", false);
            assertThat(second.uploaded()).isZero();
            assertThat(second.unchanged()).isEqualTo(5);
            assertThat(provider.uploads).hasSize(5);
            assertThat(second.catalog().nothingToDo()).isTrue();

            // the catalog shows them like any other asset
            MediaList sprites = library.list(MediaQuery.first(50).withFolder("pokedex/sprites/pokemon"));
            assertThat(sprites.items()).extracting(a -> a.ref().publicId()).containsExactlyInAnyOrder(
                    "pokedex/sprites/pokemon/1.png", "pokedex/sprites/pokemon/2.png", "pokedex/sprites/pokemon/3.png",
                    "pokedex/sprites/pokemon/4.png");
            assertThat(sprites.items()).allSatisfy(a -> assertThat(a.tags()).contains("pokepedia", BUCKET));

            put(source, "sprites/pokemon/2.png", png(22));
            PublishReport third = publisher.publish(BUCKET, "pokedex/", false);
            assertThat(third.uploaded()).isEqualTo(1);
            assertThat(provider.uploads).hasSize(6).last().isEqualTo("pokedex/sprites/pokemon/2.png");
        }
    }

    @Test
    void a_publish_stopped_midway_resumes_with_the_missing_objects_only_and_no_duplicates() throws Exception {
        try (ObjectStore source = fixtures(); MediaProvider s3Target = target("publish-stopped")) {
            // the third upload reaches the provider, then the process "dies" before the catalog records it
            CountingProvider dying = new CountingProvider(s3Target, 3);
            MediaLibrary library = new MediaLibrary(db.database(), dying);
            assertThatThrownBy(() -> new MediaPublisher(library, source, 1).publish(BUCKET, "dex/", false))
                    .hasMessageContaining("killed");
            assertThat(dying.uploads).hasSize(3);

            CountingProvider again = new CountingProvider(s3Target, Integer.MAX_VALUE);
            MediaLibrary rerun = new MediaLibrary(db.database(), again);
            PublishReport report = new MediaPublisher(rerun, source, 1).publish(BUCKET, "dex/", false);
            assertThat(report.unchanged()).isEqualTo(3);
            assertThat(report.uploaded()).isEqualTo(2);
            List<String> all = new ArrayList<>(dying.uploads);
            all.addAll(again.uploads);
            assertThat(all).hasSize(5).doesNotHaveDuplicates();

            // the asset that reached the provider but not the catalog is recorded by the closing reconcile
            assertThat(report.catalog().added()).isEqualTo(1);
            List<String> catalogued = rerun.list(MediaQuery.first(50)).items().stream()
                    .filter(a -> a.ref().publicId().startsWith("dex/")).map(a -> a.ref().publicId()).toList();
            assertThat(catalogued).hasSize(5).doesNotHaveDuplicates();
            AssetPage listed = s3Target.list("dex/", null, 100);
            assertThat(listed.assets()).hasSize(5);
        }
    }

    @Test
    void publishes_to_cloudinary_through_the_sdk_without_file_extensions_and_a_second_publish_uploads_nothing()
            throws Exception {
        SettableClock clock = new SettableClock(java.time.Instant.now());
        try (ObjectStore source = fixtures(); FakeCloudinary fake = new FakeCloudinary(clock).start();
                MediaProvider cloudinary = fake.provider(clock, java.time.Duration.ofHours(2))) {
            CountingProvider provider = new CountingProvider(cloudinary, Integer.MAX_VALUE);
            MediaLibrary library = new MediaLibrary(db.database(), provider);
            MediaPublisher publisher = new MediaPublisher(library, source, 4);

            PublishReport first = publisher.publish(BUCKET, "pokedex/", false);
            assertThat(first.uploaded()).isEqualTo(5);
            assertThat(first.failed()).isEmpty();
            // why no extension: Cloudinary keeps it as the format; a public id "1.png" would be delivered as 1.png.png
            ProviderAsset sprite = cloudinary.get(AssetRef.image("pokedex/sprites/pokemon/1")).orElseThrow();
            assertThat(sprite.format()).isEqualTo("png");
            assertThat(sprite.context()).containsEntry(MediaPublisher.SHA256, Sha256.hex(png(1)));
            assertThat(cloudinary.get(new AssetRef(ResourceType.VIDEO, "pokedex/cries/pokemon/latest/25"))).isPresent();

            PublishReport second = publisher.publish(BUCKET, "pokedex/", false);
            assertThat(second.uploaded()).isZero();
            assertThat(second.unchanged()).isEqualTo(5);
            assertThat(provider.uploads).hasSize(5);
            assertThat(library.list(MediaQuery.first(50).withFolder("pokedex/sprites/pokemon")).items())
                    .extracting(a -> a.ref().publicId()).containsExactlyInAnyOrder("pokedex/sprites/pokemon/1",
                            "pokedex/sprites/pokemon/2", "pokedex/sprites/pokemon/3", "pokedex/sprites/pokemon/4");
        }
    }

    @Test
    void targets_parse_and_bad_ones_are_named() {
        assertThat(PublishTarget.parse("cloudinary:pokedex/")).isEqualTo(new PublishTarget("cloudinary", null, "pokedex/"));
        assertThat(PublishTarget.parse("s3:media-bucket/pokedex")).isEqualTo(new PublishTarget("s3", "media-bucket", "pokedex/"));
        assertThat(PublishTarget.parse("s3:media-bucket")).isEqualTo(new PublishTarget("s3", "media-bucket", ""));
        assertThatThrownBy(() -> PublishTarget.parse("ftp:x/")).hasMessageStartingWith("to:");
        assertThatThrownBy(() -> PublishTarget.parse("pokedex/")).hasMessageStartingWith("to:");
        assertThatThrownBy(() -> PublishTarget.parse("cloudinary:../up")).hasMessageStartingWith("to:");
    }

    /** Counts uploads; the {@code dieAt}-th upload reaches the provider and then fails as a killed process would. */
    static final class CountingProvider implements MediaProvider {
        final MediaProvider inner;
        final int dieAt;
        final List<String> uploads = java.util.Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger n = new AtomicInteger();

        CountingProvider(MediaProvider inner, int dieAt) {
            this.inner = inner;
            this.dieAt = dieAt;
        }

        @Override
        public String kind() {
            return inner.kind();
        }

        @Override
        public String cloud() {
            return inner.cloud();
        }

        @Override
        public AssetPage list(String prefix, String cursor, int maxResults) {
            return inner.list(prefix, cursor, maxResults);
        }

        @Override
        public Optional<ProviderAsset> get(AssetRef ref) {
            return inner.get(ref);
        }

        @Override
        public ProviderAsset upload(UploadRequest request) {
            ProviderAsset done = inner.upload(request);
            uploads.add(request.ref().publicId());
            if (n.incrementAndGet() == dieAt) {
                throw new IllegalStateException("killed after uploading " + request.ref().publicId());
            }
            return done;
        }

        @Override
        public boolean destroy(AssetRef ref) {
            return inner.destroy(ref);
        }

        @Override
        public DeleteResult delete(ResourceType type, Collection<String> publicIds) {
            return inner.delete(type, publicIds);
        }

        @Override
        public ProviderAsset update(AssetRef ref, AssetChanges changes) {
            return inner.update(ref, changes);
        }

        @Override
        public ProviderAsset rename(AssetRef from, String toPublicId) {
            return inner.rename(from, toPublicId);
        }
    }
}
