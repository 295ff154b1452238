package dev.pokepedia.media.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pokepedia.media.Asset;
import dev.pokepedia.media.AssetKind;
import dev.pokepedia.media.AssetStatus;
import dev.pokepedia.media.AssetSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderAssetSourceTest {

    @TempDir
    Path tmp;

    private static Asset sprite(long id, String path) {
        return new Asset(id, Asset.SPRITES_BUCKET, path, null, AssetKind.SPRITE, AssetStatus.PENDING, null);
    }

    /** Outcome per path: "found:<size>", "missing" or "failed:<message>". */
    private static Map<String, String> deliver(FolderAssetSource source, List<Asset> wanted) throws InterruptedException {
        Map<String, String> out = new ConcurrentHashMap<>();
        source.deliver(wanted, new AssetSource.AssetSink() {
            @Override
            public void found(Asset a, byte[] bytes) {
                out.put(a.path(), "found:" + bytes.length);
            }

            @Override
            public void missing(Asset a, String reason) {
                out.put(a.path(), "missing");
            }

            @Override
            public void failed(Asset a, String error) {
                out.put(a.path(), "failed:" + error);
            }
        });
        return out;
    }

    private Path tree() throws Exception {
        Path root = tmp.resolve("package");
        Files.createDirectories(root.resolve("sprites/pokemon"));
        Files.write(root.resolve("sprites/pokemon/25.png"), new byte[] {1, 2, 3});
        return root;
    }

    private static final List<Asset> WANTED = List.of(sprite(1, "sprites/pokemon/25.png"), sprite(2, "sprites/pokemon/26.png"),
            sprite(3, "sprites/../../secret.png"), sprite(4, "/etc/passwd"));

    @Test
    void a_listed_folder_and_file_by_file_lookups_give_the_same_answers() throws Exception {
        Path root = tree();
        FolderAssetSource listed = new FolderAssetSource(root, 4, 1 << 20);
        listed.prepare();
        assertThat(listed.listing()).containsExactly("sprites/pokemon/25.png");
        Map<String, String> viaListing = deliver(listed, WANTED);
        Map<String, String> oneByOne = deliver(new FolderAssetSource(root, 4, 1 << 20), WANTED);

        assertThat(viaListing).isEqualTo(oneByOne);
        assertThat(viaListing).containsEntry("sprites/pokemon/25.png", "found:3").containsEntry("sprites/pokemon/26.png", "missing");
        assertThat(viaListing.get("sprites/../../secret.png")).contains("leaves the source folder");
        assertThat(viaListing.get("/etc/passwd")).contains("leaves the source folder");
    }

    @Test
    void a_folder_holding_links_has_no_listing_and_fails_what_lies_under_them() throws Exception {
        Path root = tree();
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.write(outside.resolve("1.png"), new byte[] {9});
        Files.createSymbolicLink(root.resolve("sprites/items"), outside);
        FolderAssetSource source = new FolderAssetSource(root, 4, 1 << 20);
        source.prepare();

        assertThat(source.listing()).as("absent files cannot be settled in bulk when links hide some").isNull();
        source.prepare();
        Map<String, String> out = deliver(source, List.of(sprite(1, "sprites/items/1.png"), sprite(2, "sprites/pokemon/25.png")));
        assertThat(out.get("sprites/items/1.png")).contains("symbolic link");
        assertThat(out).containsEntry("sprites/pokemon/25.png", "found:3");
    }
}
