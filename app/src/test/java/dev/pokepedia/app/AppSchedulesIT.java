package dev.pokepedia.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pokepedia.live.schedule.Schedule;
import dev.pokepedia.live.schedule.Scheduler;
import dev.pokepedia.medialibrary.AssetRef;
import dev.pokepedia.medialibrary.MediaLibrary;
import dev.pokepedia.medialibrary.MediaProvider;
import dev.pokepedia.medialibrary.ResourceType;
import dev.pokepedia.medialibrary.UploadRequest;
import dev.pokepedia.testkit.FreshDatabase;
import dev.pokepedia.testkit.S3TestServer;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The schedules app sync and the media library bring: added to the table, and their tasks do the work. */
class AppSchedulesIT {

    @RegisterExtension
    static FreshDatabase db = new FreshDatabase();
    @RegisterExtension
    static S3TestServer s3 = new S3TestServer();

    private Map<String, String> mediaEnv() {
        return S3LibraryEnv.of(s3, "scheduled-library");
    }

    @Test
    void tombstone_pruning_is_scheduled_and_prunes_only_tombstones_past_the_retention() throws Exception {
        Scheduler s = AppSchedules.scheduler(db.database(), Clock.systemUTC(), Map.of(), Map.of());
        assertThat(s.list()).extracting(Schedule::name).contains(AppSchedules.SYNC_PRUNE);
        try (Connection c = db.database().connection(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO players (id, user_id, version, deleted_at, payload) VALUES "
                    + "('old-gone', 'u1', nextval('sync_version_seq'), now() - interval '31 days', NULL), "
                    + "('new-gone', 'u1', nextval('sync_version_seq'), now() - interval '1 day', NULL), "
                    + "('alive', 'u1', nextval('sync_version_seq'), NULL, '{\"name\":\"A\"}')");
        }
        assertThat(s.runNow(AppSchedules.SYNC_PRUNE)).isEqualTo("pruned 1 tombstone(s) older than 30 days");
        try (Connection c = db.database().connection(); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT string_agg(id, ',' ORDER BY id) FROM players WHERE user_id = 'u1'")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("alive,new-gone");
        }
    }

    @Test
    void with_a_provider_configured_a_reconcile_is_scheduled_and_fills_the_catalog() throws Exception {
        try (MediaProvider p = MediaLibraryCommand.provider(mediaEnv(), null, true)) {
            p.upload(new UploadRequest(new AssetRef(ResourceType.IMAGE, "sched/1.png"), new byte[] {1, 2, 3}, "image/png",
                    List.of("t"), Map.of(), null));
        }
        Scheduler s = AppSchedules.scheduler(db.database(), Clock.systemUTC(), mediaEnv(), Map.of());
        assertThat(s.get(AppSchedules.MEDIA_RECONCILE)).hasValueSatisfying(sch -> assertThat(sch.cron()).isEqualTo("20 */6 * * *"));
        assertThat(s.runNow(AppSchedules.MEDIA_RECONCILE)).isEqualTo("listed 1: added 1, updated 0, deleted 0");
        try (MediaProvider p = MediaLibraryCommand.provider(mediaEnv(), null)) {
            assertThat(new MediaLibrary(db.database(), p).find(new AssetRef(ResourceType.IMAGE, "sched/1.png"))).isPresent();
        }
        assertThat(s.get(AppSchedules.MEDIA_RECONCILE).orElseThrow().lastResult()).isEqualTo("ok");
    }
}
