package dev.pokepedia.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pokepedia.medialibrary.AssetRef;
import dev.pokepedia.medialibrary.MediaProvider;
import dev.pokepedia.medialibrary.ReconcileOptions;
import dev.pokepedia.medialibrary.ResourceType;
import dev.pokepedia.medialibrary.UploadRequest;
import dev.pokepedia.testkit.FreshDatabase;
import dev.pokepedia.testkit.S3TestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MediaLibraryCliIT {

    @RegisterExtension
    static FreshDatabase db = new FreshDatabase();
    @RegisterExtension
    static S3TestServer s3 = new S3TestServer();

    private Map<String, String> env() {
        return Map.of("MEDIA_LIBRARY_S3_BUCKET", "cli-library", "AWS_ACCESS_KEY_ID", s3.accessKey(),
                "AWS_SECRET_ACCESS_KEY", s3.secretKey(), "AWS_ENDPOINT_URL", s3.endpoint().toString());
    }

    private String sync(ReconcileOptions o) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int exit = MediaLibraryCommand.run(db.database(), env(), null, o, false,
                new PrintStream(buf, true, StandardCharsets.UTF_8));
        assertThat(exit).isZero();
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void sync_fills_the_catalog_and_a_dry_run_then_has_nothing_to_do() throws Exception {
        try (MediaProvider p = MediaLibraryCommand.provider(env(), null)) {
            p.upload(new UploadRequest(new AssetRef(ResourceType.IMAGE, "art/1.png"), new byte[] {1, 2}, "image/png",
                    List.of("a"), Map.of(), null));
        }
        String dry = sync(ReconcileOptions.defaults().withDryRun(true));
        assertThat(dry).contains("s3 cli-library: dry run, complete").contains("add    image art/1.png");
        String wet = sync(ReconcileOptions.defaults());
        assertThat(wet).contains("added 1");
        String again = sync(ReconcileOptions.defaults().withDryRun(true));
        assertThat(again).contains("nothing to do");
        assertThat(dry + wet + again).doesNotContain(s3.secretKey());
    }

    @Test
    void without_a_provider_the_command_says_which_variables_to_set() {
        CliRun r = CliRun.run("media-library", "sync", "--db", db.config().jdbcUrl() + "?user=" + db.config().user());
        assertThat(r.exit()).isEqualTo(2);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MediaLibraryCommand.provider(Map.of(), null))
                .isInstanceOfSatisfying(dev.pokepedia.core.ConfigurationException.class, e -> {
                    assertThat(e.getMessage()).contains("no media library provider");
                    assertThat(e.hint()).contains("CLOUDINARY_URL").contains("MEDIA_LIBRARY_S3_BUCKET");
                });
    }
}
