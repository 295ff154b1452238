package dev.pokepedia.app;

import dev.pokepedia.core.Database;
import dev.pokepedia.live.schedule.Scheduler;
import dev.pokepedia.medialibrary.MediaLibrary;
import dev.pokepedia.medialibrary.MediaProvider;
import dev.pokepedia.medialibrary.ReconcileOptions;
import dev.pokepedia.medialibrary.ReconcileReport;
import dev.pokepedia.sync.SyncMaintenance;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * The schedules of the capabilities beyond the live path, wired here because only the app sees every module: app
 * sync's tombstone pruning (always) and the media library's reconcile (when a provider is configured).
 */
final class AppSchedules {

    static final String SYNC_PRUNE = "sync-prune-tombstones";
    static final String MEDIA_RECONCILE = "media-library-reconcile";

    private AppSchedules() {
    }

    /** A scheduler with the live path's tasks plus these, whose schedules it adds if missing. */
    static Scheduler scheduler(Database db, Clock clock, Map<String, String> env, Map<String, Scheduler.Task> liveTasks) {
        Map<String, Scheduler.Task> tasks = new HashMap<>(liveTasks);
        tasks.put(SYNC_PRUNE, () -> {
            long n = new SyncMaintenance(db).pruneTombstones(SyncMaintenance.DEFAULT_TOMBSTONE_RETENTION);
            return "pruned " + n + " tombstone(s) older than " + SyncMaintenance.DEFAULT_TOMBSTONE_RETENTION.toDays() + " days";
        });
        boolean media = MediaLibraryCommand.configured(env);
        if (media) {
            tasks.put(MEDIA_RECONCILE, () -> reconcile(db, env));
        }
        Scheduler s = new Scheduler(db, clock, tasks);
        s.ensure(SYNC_PRUNE, "30 2 * * *", SYNC_PRUNE);
        if (media) {
            // why every 6 hours: webhooks keep the catalog current; this repairs what they missed without spending
            // much of Cloudinary's hourly Admin API quota (500 assets a page)
            s.ensure(MEDIA_RECONCILE, "20 */6 * * *", MEDIA_RECONCILE);
        }
        return s;
    }

    private static String reconcile(Database db, Map<String, String> env) {
        try (MediaProvider p = MediaLibraryCommand.provider(env, null)) {
            ReconcileReport r = new MediaLibrary(db, p).reconcile(ReconcileOptions.defaults());
            String counts = "listed " + r.seen() + ": added " + r.added() + ", updated " + r.updated() + ", deleted " + r.deleted();
            if (!r.complete()) {
                // why throw: the schedule records a failure; the next run resumes from the stored cursor
                throw new IllegalStateException("stopped early (" + counts + "): " + r.error() + "; the next run resumes");
            }
            return counts;
        }
    }
}
