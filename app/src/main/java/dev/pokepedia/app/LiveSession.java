package dev.pokepedia.app;

import dev.pokepedia.live.LiveConfig;
import dev.pokepedia.live.LivePath;
import dev.pokepedia.live.schedule.Scheduler;
import dev.pokepedia.media.ObjectStore;
import dev.pokepedia.media.ObjectStores;
import dev.pokepedia.queue.Queues;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;

/** Everything a live-path command opens, closed in reverse order. */
final class LiveSession implements AutoCloseable {

    final GlobalOptions.Opened opened;
    final Queues queues;
    final ObjectStore objects;
    final LivePath live;
    final MeterRegistry registry = new SimpleMeterRegistry();
    final Clock clock = Clock.systemUTC();
    private final java.util.Map<String, String> env;

    LiveSession(GlobalOptions.Settings settings, LiveConfig config, String storage) {
        this.env = settings.env();
        // why: handlers of both queues, the claimers/ackers and the refresher share the pool
        this.opened = settings.openDatabase(config.ingestConcurrency() + config.spriteConcurrency() + 6);
        Queues q = null;
        ObjectStore o = null;
        try {
            q = Queues.open(opened.db());
            o = ObjectStores.open(storage, settings.dataDir(), settings.env());
            this.live = new LivePath(opened.db(), q, o, config, registry, clock);
        } catch (RuntimeException e) {
            if (o != null) {
                o.close();
            }
            if (q != null) {
                q.close();
            }
            opened.close();
            throw e;
        }
        this.queues = q;
        this.objects = o;
    }

    Scheduler scheduler() {
        return AppSchedules.scheduler(opened.db(), clock, env, live.scheduledTasks());
    }

    @Override
    public void close() {
        try {
            live.close();
        } finally {
            objects.close();
            queues.close();
            opened.close();
        }
    }
}
