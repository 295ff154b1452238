package dev.pokepedia.medialibrary;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AssetJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void renders_every_field_with_nulls_escapes_and_utf8() throws Exception {
        Map<String, String> context = new LinkedHashMap<>();
        context.put("alt", "Pikachu \"the\" mouse");
        context.put("caption", "ピカチュウ\n");
        CatalogAsset a = new CatalogAsset(42, "cloudinary", "demo", new AssetRef(ResourceType.VIDEO, "cries/25"), "ogg",
                null, "cries", "Pikachu's cry", List.of("pokedex", "électrique"), context, 7L, "e1", "synced", null,
                Instant.parse("2026-12-07T10:00:00.123456Z"), null);

        JsonNode n = JSON.readTree(AssetJson.render(a));

        assertThat(n.get("id").asLong()).isEqualTo(42);
        assertThat(n.get("public_id").asText()).isEqualTo("cries/25");
        assertThat(n.get("resource_type").asText()).isEqualTo("video");
        assertThat(n.get("bytes").isNull()).isTrue();
        assertThat(n.get("tags")).extracting(JsonNode::asText).containsExactly("pokedex", "électrique");
        assertThat(n.get("context").get("alt").asText()).isEqualTo("Pikachu \"the\" mouse");
        assertThat(n.get("context").get("caption").asText()).isEqualTo("ピカチュウ\n");
        assertThat(n.get("version").asLong()).isEqualTo(7);
        assertThat(n.get("last_error").isNull()).isTrue();
        assertThat(n.get("last_synced_at").asText()).isEqualTo("2026-12-07T10:00:00.123456Z");
        assertThat(n.get("deleted_at").isNull()).isTrue();
        assertThat(n.fieldNames()).toIterable().containsExactly("id", "provider", "cloud", "public_id", "resource_type",
                "format", "bytes", "folder", "display_name", "tags", "context", "version", "etag", "sync_status",
                "last_error", "last_synced_at", "deleted_at");
    }

    @Test
    void a_list_renders_each_item_as_the_single_rendering() {
        CatalogAsset a = new CatalogAsset(1, "s3", "bucket", new AssetRef(ResourceType.IMAGE, "a"), "png", 10L, "",
                null, List.of(), Map.of(), null, null, "synced", null, null, Instant.EPOCH);
        MediaList list = new MediaList(List.of(a), null);
        assertThat(list.itemsJson()).hasSize(1);
        assertThat(list.itemsJson().getFirst()).isEqualTo(AssetJson.render(a));
    }
}
