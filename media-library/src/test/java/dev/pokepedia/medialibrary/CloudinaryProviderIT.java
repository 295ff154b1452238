package dev.pokepedia.medialibrary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pokepedia.medialibrary.fake.FakeCloudinary;
import dev.pokepedia.testkit.SettableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Cloudinary adapter, through the official SDK, against the local fake of the Admin and Upload APIs. */
class CloudinaryProviderIT {

    private final SettableClock clock = new SettableClock(Instant.parse("2026-12-07T10:15:00Z"));
    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    private final Sleeper sleeper = d -> {
        sleeps.add(d);
        clock.advance(d); // why: the waits happen on the test clock, instantly
    };
    private FakeCloudinary fake;
    private MediaProvider provider;

    @BeforeEach
    void start() {
        fake = new FakeCloudinary(clock).start();
        provider = MediaProviders.cloudinary(config(FakeCloudinary.API_SECRET), clock, sleeper, Duration.ofHours(2));
    }

    @AfterEach
    void stop() {
        provider.close();
        fake.close();
    }

    private CloudinaryConfig config(String secret) {
        return new CloudinaryConfig(FakeCloudinary.CLOUD, FakeCloudinary.API_KEY, secret, fake.base(), null);
    }

    @Test
    void lists_every_asset_page_by_page_through_next_cursor_across_resource_types() {
        for (int i = 0; i < 1203; i++) {
            fake.put("image", "pokedex/%05d".formatted(i), 1_700_000_000L + i, "gen1");
        }
        fake.put("video", "clips/intro", 1_700_000_500L);
        fake.put("raw", "docs/readme", 1_700_000_600L);
        List<ProviderAsset> all = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            AssetPage page = provider.list("", cursor, 500);
            all.addAll(page.assets());
            cursor = page.nextCursor();
            pages++;
        } while (cursor != null);
        assertThat(all).hasSize(1205);
        assertThat(all.stream().map(ProviderAsset::publicId).distinct()).hasSize(1205);
        assertThat(pages).isEqualTo(5); // 500 + 500 + 203 images, then videos, then raw
        ProviderAsset first = all.getFirst();
        assertThat(first.tags()).containsExactly("gen1");
        assertThat(first.folder()).isEqualTo("pokedex");
        assertThat(first.version()).isEqualTo(1_700_000_000L);
        assertThat(all).anySatisfy(a -> assertThat(a.type()).isEqualTo(ResourceType.VIDEO));
        assertThat(all).anySatisfy(a -> assertThat(a.type()).isEqualTo(ResourceType.RAW));
    }

    @Test
    void a_prefix_limits_the_listing() {
        fake.put("image", "a/one", 1);
        fake.put("image", "b/two", 2);
        AssetPage page = provider.list("b/", null, 10);
        assertThat(page.assets()).extracting(ProviderAsset::publicId).containsExactly("b/two");
    }

    @Test
    void refuses_a_page_size_the_admin_api_does_not_serve() {
        assertThatThrownBy(() -> provider.list("", null, 501)).hasMessageContaining("1..500");
    }

    @Test
    void uploads_updates_renames_and_destroys_through_the_signed_apis() {
        byte[] png = "\u0089PNG fake".getBytes(StandardCharsets.ISO_8859_1);
        ProviderAsset up = provider.upload(new UploadRequest(AssetRef.image("team/pika"), png, "image/png",
                List.of("electric", "gen1"), Map.of("alt", "yellow | mouse = cute"), "Pikachu"));
        assertThat(up.publicId()).isEqualTo("team/pika");
        assertThat(up.tags()).containsExactly("electric", "gen1");
        assertThat(up.context()).containsEntry("alt", "yellow | mouse = cute");
        assertThat(up.displayName()).isEqualTo("Pikachu");
        assertThat(fake.get("image", "team/pika").bytes).isEqualTo(png.length);

        ProviderAsset updated = provider.update(AssetRef.image("team/pika"),
                new AssetChanges(List.of("starter"), Map.of("credit", "GF"), "Pika!"));
        assertThat(updated.tags()).containsExactly("starter");
        assertThat(updated.context()).containsExactly(Map.entry("credit", "GF"));
        assertThat(updated.displayName()).isEqualTo("Pika!");

        ProviderAsset moved = provider.rename(AssetRef.image("team/pika"), "archive/pika");
        assertThat(moved.publicId()).isEqualTo("archive/pika");
        assertThat(moved.folder()).isEqualTo("archive");
        assertThat(provider.get(AssetRef.image("team/pika"))).isEmpty();
        assertThat(provider.get(AssetRef.image("archive/pika"))).get().extracting(ProviderAsset::tags)
                .isEqualTo(List.of("starter"));

        assertThat(provider.destroy(AssetRef.image("archive/pika"))).isTrue();
        assertThat(provider.destroy(AssetRef.image("archive/pika"))).isFalse();
        assertThat(fake.size()).isZero();
    }

    @Test
    void deletes_many_in_chunks_of_one_hundred() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            ids.add("bulk/" + i);
            fake.put("image", "bulk/" + i, 1);
        }
        ids.add("bulk/missing");
        DeleteResult result = provider.delete(ResourceType.IMAGE, ids);
        assertThat(result.outcomes()).hasSize(251).containsEntry("bulk/0", "deleted")
                .containsEntry("bulk/missing", "not_found");
        assertThat(fake.requests().stream().filter(r -> r.startsWith("DELETE"))).hasSize(3);
        assertThat(fake.size()).isZero();
    }

    @Test
    void a_wrong_secret_is_refused_by_both_apis_and_never_echoed() {
        String wrong = "wrong-secret-that-must-not-leak";
        fake.put("image", "x", 1);
        try (LogCapture logs = new LogCapture();
                MediaProvider bad = MediaProviders.cloudinary(config(wrong), clock, sleeper, Duration.ofHours(2))) {
            assertThatThrownBy(() -> bad.upload(new UploadRequest(AssetRef.image("y"), new byte[] {1}, null, null,
                    null, null)))
                    .isInstanceOfSatisfying(ProviderException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ProviderException.Kind.UNAUTHORIZED);
                        assertThat(e.getMessage()).contains("Invalid Signature").doesNotContain(wrong);
                        assertThat(e.hint()).contains("CLOUDINARY_URL");
                    });
            assertThatThrownBy(() -> bad.list("", null, 10))
                    .isInstanceOfSatisfying(ProviderException.class,
                            e -> assertThat(e.kind()).isEqualTo(ProviderException.Kind.UNAUTHORIZED));
            assertThat(fake.get("image", "y")).isNull();
            String basic = Base64.getEncoder().encodeToString((FakeCloudinary.API_KEY + ":" + wrong).getBytes());
            assertThat(logs.text()).doesNotContain(wrong).doesNotContain(basic);
        }
    }

    @Test
    void spreads_the_last_calls_of_the_hourly_quota_up_to_its_reset() {
        for (int i = 0; i < 30; i++) {
            fake.put("image", "q/%02d".formatted(i), i + 1);
        }
        fake.rateLimit(100, 4);
        String cursor = null;
        int n = 0;
        do {
            cursor = provider.list("", cursor, 10).nextCursor();
            n++;
        } while (cursor != null && cursor.startsWith("image"));
        assertThat(n).isEqualTo(3);
        // remaining 3 after the first call: low (≤ 5 % of 100), so the next calls wait a share of the time to the reset
        assertThat(sleeps).isNotEmpty().allSatisfy(d -> assertThat(d).isPositive().isLessThan(Duration.ofMinutes(45)));
    }

    @Test
    void waits_for_the_reset_when_the_quota_is_used_up_and_then_goes_on() {
        fake.put("image", "a", 1);
        fake.rateLimit(100, 1);
        provider.list("", null, 10); // uses the last call: the answer says 0 remain
        Instant reset = fake.windowReset();
        Instant before = clock.instant();
        AssetPage page = provider.list("", null, 10);
        assertThat(page.assets()).hasSize(1);
        assertThat(sleeps).containsExactly(Duration.between(before, reset));
        assertThat(fake.requests().stream().filter(r -> r.startsWith("GET"))).hasSize(2); // no 420 was provoked
    }

    @Test
    void after_a_420_waits_until_the_reset_then_retries() {
        fake.put("image", "a", 1);
        provider.list("", null, 10); // learns limit/remaining/reset
        fake.rateLimit(100, 0); // someone else used the quota up
        Instant reset = fake.windowReset();
        Instant before = clock.instant();
        AssetPage page = provider.list("", null, 10);
        assertThat(page.assets()).hasSize(1);
        assertThat(sleeps).containsExactly(Duration.between(before, reset));
    }

    @Test
    void a_reset_further_away_than_the_allowed_wait_stops_with_a_retriable_error() {
        fake.put("image", "a", 1);
        try (MediaProvider impatient = MediaProviders.cloudinary(config(FakeCloudinary.API_SECRET), clock, sleeper,
                Duration.ofSeconds(10))) {
            fake.rateLimit(100, 1);
            impatient.list("", null, 10);
            assertThatThrownBy(() -> impatient.list("", null, 10)).isInstanceOfSatisfying(ProviderException.class,
                    e -> {
                        assertThat(e.retriable()).isTrue();
                        assertThat(e.hint()).contains("resumes");
                    });
        }
        assertThat(sleeps).isEmpty();
    }

    @Test
    void a_server_error_is_a_retriable_failure_naming_the_call() {
        // why 500: the SDK's HTTP client already retries a 503 once by itself
        fake.failListCall(1, 500);
        assertThatThrownBy(() -> provider.list("", null, 10)).isInstanceOfSatisfying(ProviderException.class, e -> {
            assertThat(e.retriable()).isTrue();
            assertThat(e.getMessage()).contains("list image resources").contains("Injected failure 500");
        });
    }

    @Test
    void thumbnails_are_cloudinary_delivery_urls_with_a_fit_transformation_and_none_for_raw_files() {
        String base = "https://res.cloudinary.com/" + FakeCloudinary.CLOUD;
        assertThat(provider.thumbnail(AssetRef.image("pokedex/gen 1/pikachu")).orElseThrow())
                .hasToString(base + "/image/upload/c_fit,h_240,w_240/v1/pokedex/gen%201/pikachu");
        assertThat(provider.thumbnail(new AssetRef(ResourceType.VIDEO, "clips/intro")).orElseThrow())
                .hasToString(base + "/video/upload/c_fit,h_240,w_240/v1/clips/intro.jpg");
        assertThat(provider.thumbnail(new AssetRef(ResourceType.RAW, "docs/readme.txt"))).isEmpty();
        assertThat(provider.thumbnailOrigin()).hasValue("https://res.cloudinary.com");
    }
}
