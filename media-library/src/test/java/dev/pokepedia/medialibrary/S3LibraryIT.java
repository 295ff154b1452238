package dev.pokepedia.medialibrary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pokepedia.testkit.FreshDatabase;
import dev.pokepedia.testkit.S3TestServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The S3 provider against the real S3 server of testkit (S3Proxy), and a reconcile through it. */
class S3LibraryIT {

    @RegisterExtension
    static FreshDatabase db = new FreshDatabase();
    @RegisterExtension
    static S3TestServer s3 = new S3TestServer();

    private static MediaProvider provider(String bucket) {
        return MediaProviders.s3(new S3LibraryConfig(s3.endpoint(), s3.region(), s3.accessKey(), s3.secretKey(), bucket));
    }

    private static UploadRequest png(String key, List<String> tags) {
        return new UploadRequest(new AssetRef(ResourceType.IMAGE, key),
                ("\u0089PNG " + key).getBytes(StandardCharsets.ISO_8859_1), "image/png", tags, Map.of(), null);
    }

    @Test
    void lists_with_continuation_tokens_and_round_trips_tags_metadata_rename_and_delete() {
        try (MediaProvider p = provider("contract-bucket")) {
            for (int i = 0; i < 25; i++) {
                p.upload(png("sprites/%02d.png".formatted(i), List.of("gen1")));
            }
            List<ProviderAsset> all = new ArrayList<>();
            String cursor = null;
            int pages = 0;
            do {
                AssetPage page = p.list("sprites/", cursor, 10);
                all.addAll(page.assets());
                cursor = page.nextCursor();
                pages++;
            } while (cursor != null);
            assertThat(pages).isEqualTo(3);
            assertThat(all).hasSize(25).allSatisfy(a -> {
                assertThat(a.tags()).containsExactly("gen1");
                assertThat(a.type()).isEqualTo(ResourceType.IMAGE);
                assertThat(a.folder()).isEqualTo("sprites");
                assertThat(a.format()).isEqualTo("png");
                assertThat(a.etag()).isNotBlank();
            });

            AssetRef ref = new AssetRef(ResourceType.IMAGE, "sprites/00.png");
            ProviderAsset changed = p.update(ref, new AssetChanges(List.of("starter", "grass"),
                    Map.of("alt", "Bulbasaur, front"), "Bulbasaur ♥"));
            assertThat(changed.tags()).containsExactly("starter", "grass");
            assertThat(changed.context()).containsEntry("alt", "Bulbasaur, front");
            assertThat(changed.displayName()).isEqualTo("Bulbasaur ♥");

            ProviderAsset moved = p.rename(ref, "archive/00.png");
            assertThat(moved.folder()).isEqualTo("archive");
            assertThat(moved.tags()).containsExactly("starter", "grass");
            assertThat(p.get(ref)).isEmpty();

            assertThat(p.destroy(moved.ref())).isTrue();
            assertThat(p.destroy(moved.ref())).isFalse();
            DeleteResult bulk = p.delete(ResourceType.IMAGE, List.of("sprites/01.png", "sprites/none.png"));
            assertThat(bulk.outcomes()).containsEntry("sprites/01.png", "deleted")
                    .containsEntry("sprites/none.png", "not_found");
            assertThatThrownBy(() -> p.upload(png("x.png", List.of("ok", " "))))
                    .hasMessageContaining("tag must not be blank");
            ProviderAsset odd = p.upload(png("odd.png", List.of("a,b", "ü")));
            assertThat(odd.tags()).containsExactly("a,b", "ü");
        }
    }

    @Test
    void reconcile_through_the_s3_provider_fills_the_catalog_and_follows_changes() {
        try (LogCapture logs = new LogCapture(); MediaProvider p = provider("reconcile-bucket")) {
            for (int i = 0; i < 12; i++) {
                p.upload(png("cries/%02d.ogg".formatted(i), List.of()));
            }
            MediaLibrary library = new MediaLibrary(db.database(), p);
            ReconcileReport first = library.reconcile(ReconcileOptions.defaults().withBatchSize(5));
            assertThat(first.complete()).isTrue();
            assertThat(first.added()).isEqualTo(12);

            p.update(new AssetRef(ResourceType.IMAGE, "cries/03.ogg"), AssetChanges.tags(List.of("loud")));
            p.destroy(new AssetRef(ResourceType.IMAGE, "cries/04.ogg"));
            ReconcileReport dry = library.reconcile(ReconcileOptions.defaults().withBatchSize(5).withDryRun(true));
            assertThat(dry.diff()).extracting(ReconcileReport.DiffEntry::change)
                    .containsExactlyInAnyOrder(ReconcileReport.Change.UPDATE, ReconcileReport.Change.DELETE);

            ReconcileReport second = library.reconcile(ReconcileOptions.defaults().withBatchSize(5));
            assertThat(second.updated()).isEqualTo(1);
            assertThat(second.deleted()).isEqualTo(1);
            assertThat(library.find(new AssetRef(ResourceType.IMAGE, "cries/03.ogg")).orElseThrow().tags())
                    .containsExactly("loud");
            assertThat(library.find(new AssetRef(ResourceType.IMAGE, "cries/04.ogg")).orElseThrow().deleted()).isTrue();
            assertThat(library.reconcile(ReconcileOptions.defaults().withDryRun(true)).diff()).isEmpty();
            assertThat(logs.text()).doesNotContain(s3.secretKey());
        }
    }

    @Test
    void config_to_string_hides_the_secret_key() {
        S3LibraryConfig c = new S3LibraryConfig(null, null, "AKIA", "very-secret-key", "media");
        assertThat(c.toString()).doesNotContain("very-secret-key").contains("secretKey=***");
    }
}
