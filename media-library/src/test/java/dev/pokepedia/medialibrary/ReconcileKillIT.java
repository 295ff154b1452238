package dev.pokepedia.medialibrary;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pokepedia.medialibrary.fake.FakeCloudinary;
import dev.pokepedia.testkit.FreshDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A reconcile killed with SIGKILL mid-listing, then rerun: it resumes from the last committed page, nothing twice. */
class ReconcileKillIT {

    @RegisterExtension
    static FreshDatabase db = new FreshDatabase();

    @TempDir
    Path tmp;

    private static long count(String sql) throws Exception {
        try (Connection c = db.database().connection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void a_reconcile_killed_mid_listing_resumes_from_its_cursor_and_adds_each_asset_once() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (FakeCloudinary fake = new FakeCloudinary(Clock.systemUTC()).start()) {
            for (int i = 0; i < 100; i++) {
                fake.put("image", "kill/%03d".formatted(i), 100 + i, "t" + (i % 4));
            }
            fake.holdListCall(4, release); // pages 1-3 (25 each) are applied; the child waits on page 4
            Path log = tmp.resolve("child.log");
            Process child = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
                    System.getProperty("java.class.path"), ReconcileChild.class.getName(), db.config().jdbcUrl(),
                    db.config().user(), fake.base().toString(), "25").redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                assertThat(fake.awaitHeld(Duration.ofSeconds(60))).as("the child reached page 4; its log:%n%s", Files.readString(log)).isTrue();
                assertThat(child.isAlive()).isTrue();
                child.destroyForcibly();
                assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            } finally {
                child.destroyForcibly();
                release.countDown();
            }
            assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(137);
            assertThat(count("SELECT count(*) FROM media_assets WHERE deleted_at IS NULL")).isEqualTo(75);
            assertThat(count("SELECT count(*) FROM media_sync_runs WHERE status = 'running'")).isEqualTo(1);

            try (MediaProvider provider = MediaProviders.cloudinary(fake.config())) {
                ReconcileReport rerun = new MediaLibrary(db.database(), provider).reconcile(ReconcileOptions.defaults().withBatchSize(25));
                assertThat(rerun.resumed()).isTrue();
                assertThat(rerun.complete()).isTrue();
                assertThat(rerun.added()).isEqualTo(25);
                assertThat(rerun.deleted()).isZero();
            }
            assertThat(count("SELECT count(*) FROM media_assets WHERE deleted_at IS NULL")).isEqualTo(100);
            assertThat(count("SELECT count(*) FROM media_sync_log WHERE operation = 'reconcile_add'")).isEqualTo(100);
            assertThat(count("SELECT count(*) FROM (SELECT public_id FROM media_sync_log WHERE operation = 'reconcile_add'"
                    + " GROUP BY public_id HAVING count(*) > 1) t")).isZero();
            assertThat(count("SELECT count(*) FROM media_sync_runs WHERE status = 'completed'")).isEqualTo(1);
            assertThat(List.of(Files.readString(log))).noneMatch(l -> l.contains(FakeCloudinary.API_SECRET));
        }
    }
}
