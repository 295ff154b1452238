package dev.pokepedia.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pokepedia.server.internal.MediaPaths;
import dev.pokepedia.testkit.FreshDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Java mapping from media URL to stored object agrees with the SQL one the manifest uses. */
class MediaPathsIT {

    @RegisterExtension
    static FreshDatabase db = new FreshDatabase();

    @Test
    void javaAndSqlMapEveryUrlTheSameWay() throws Exception {
        String[] urls = {
                "https://raw.githubusercontent.com/PokeAPI/sprites/master/sprites/pokemon/25.png",
                "https://raw.githubusercontent.com/PokeAPI/cries/main/cries/pokemon/latest/25.ogg",
                "https://raw.githubusercontent.com/PokeAPI/sprites/master/sprites/pokemon/other/official-artwork/shiny/6.png",
                "http://raw.githubusercontent.com/PokeAPI/sprites/master/sprites/pokemon/25.png",
                "https://raw.githubusercontent.com/PokeAPI/sprites/master/sprites/../etc/passwd",
                "https://raw.githubusercontent.com/PokeAPI/sprites/master/sprites/.hidden/x.png",
                "https://example.com/PokeAPI/sprites/master/sprites/pokemon/25.png",
                "https://raw.githubusercontent.com/PokeAPI/other/master/x.png",
                "https://raw.githubusercontent.com/PokeAPI/sprites/master/",
                "/api/v2/pokemon/25/",
        };
        try (Connection c = db.database().connection();
             PreparedStatement ps = c.prepareStatement("SELECT pokepedia_media_bucket(?), pokepedia_media_path(?)")) {
            for (String url : urls) {
                ps.setString(1, url);
                ps.setString(2, url);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    String bucket = rs.getString(1);
                    String path = rs.getString(2);
                    MediaPaths.ObjectKey key = MediaPaths.of(url);
                    if (path == null || bucket == null) {
                        assertThat(key).as(url).isNull();
                    } else {
                        assertThat(key).as(url).isEqualTo(new MediaPaths.ObjectKey(bucket, path));
                    }
                }
            }
        }
    }
}
