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
        return S3LibraryEnv.of(s3, "cli-library");
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
        try (MediaProvider p = MediaLibraryCommand.provider(env(), null, true)) {
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
    void wrong_credentials_stop_the_sync_as_a_setting_to_fix_and_never_echo_the_secret() throws Exception {
        Map<String, String> bad = new java.util.HashMap<>(env());
        bad.put("AWS_SECRET_ACCESS_KEY", "wrong-secret-0123456789abcdef");
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int exit;
        String said;
        try {
            exit = MediaLibraryCommand.run(db.database(), bad, null, ReconcileOptions.defaults(), false,
                    new PrintStream(buf, true, StandardCharsets.UTF_8));
            said = buf.toString(StandardCharsets.UTF_8);
        } catch (dev.pokepedia.core.PokepediaException e) {
            exit = e.code().exitCode();
            said = buf.toString(StandardCharsets.UTF_8) + e.getMessage() + " " + e.hint();
        }
        // why 2: a rerun cannot fix credentials; exit 4 with "rerun to resume" sent users retrying
        assertThat(exit).as(said).isEqualTo(dev.pokepedia.core.PokepediaException.ErrorCode.CONFIGURATION.exitCode());
        assertThat(said).contains("AWS_SECRET_ACCESS_KEY").doesNotContain("rerun to resume")
                .doesNotContain("wrong-secret-0123456789abcdef").doesNotContain(s3.secretKey());
    }

    @Test
    void sync_of_a_bucket_that_does_not_exist_is_refused_and_creates_nothing() throws Exception {
        Map<String, String> typo = new java.util.HashMap<>(env());
        typo.put("MEDIA_LIBRARY_S3_BUCKET", "cli-library-typo");
        for (boolean dryRun : new boolean[] {true, false}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> MediaLibraryCommand.run(db.database(), typo, null,
                            ReconcileOptions.defaults().withDryRun(dryRun), false, new PrintStream(new ByteArrayOutputStream())))
                    .isInstanceOf(dev.pokepedia.core.ConfigurationException.class)
                    .hasMessageContaining("S3 bucket cli-library-typo does not exist at " + s3.endpoint());
        }
        try (var client = software.amazon.awssdk.services.s3.S3Client.builder().region(
                        software.amazon.awssdk.regions.Region.of(s3.region())).endpointOverride(s3.endpoint()).forcePathStyle(true)
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(s3.accessKey(), s3.secretKey())))
                .build()) {
            assertThat(client.listBuckets().buckets()).extracting(b -> b.name()).doesNotContain("cli-library-typo");
        }
    }

    @Test
    void publish_pushes_a_storage_bucket_into_the_library_once_and_the_catalog_shows_it() throws Exception {
        var folder = java.nio.file.Files.createTempDirectory("cli-publish");
        try (var store = dev.pokepedia.media.ObjectStores.open(folder.toUri().toString(), folder, Map.of())) {
            byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 7};
            store.put("pokedex-sprites", "sprites/pokemon/25.png", png, "image/png", dev.pokepedia.core.Sha256.hex(png));
            var target = MediaLibraryCommand.target("s3:cli-published/pokedex/");
            ByteArrayOutputStream first = new ByteArrayOutputStream();
            assertThat(MediaLibraryCommand.publish(db.database(), env(), store, "pokedex-sprites", target, 2, false, false,
                    new PrintStream(first, true, StandardCharsets.UTF_8))).isZero();
            assertThat(first.toString(StandardCharsets.UTF_8)).contains("s3 cli-published pokedex/: 1 objects, uploaded 1")
                    .contains("catalog: added 0, updated 0, unchanged 1"); // the upload recorded it already
            ByteArrayOutputStream second = new ByteArrayOutputStream();
            MediaLibraryCommand.publish(db.database(), env(), store, "pokedex-sprites", target, 2, false, false,
                    new PrintStream(second, true, StandardCharsets.UTF_8));
            assertThat(second.toString(StandardCharsets.UTF_8)).contains("uploaded 0, unchanged 1").doesNotContain(s3.secretKey());
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MediaLibraryCommand.target("ftp:x"))
                .isInstanceOf(dev.pokepedia.core.ConfigurationException.class).hasMessageStartingWith("--to:");
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
