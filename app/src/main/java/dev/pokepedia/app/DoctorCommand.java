package dev.pokepedia.app;

import dev.pokepedia.core.Database;
import dev.pokepedia.core.DatabaseLocator;
import dev.pokepedia.core.PokepediaException;
import dev.pokepedia.live.LiveConfig;
import dev.pokepedia.live.LiveQueues;
import dev.pokepedia.live.UpstreamClient;
import dev.pokepedia.live.SnapshotUpstreams;
import dev.pokepedia.live.schedule.Scheduler;
import dev.pokepedia.media.Asset;
import dev.pokepedia.media.ObjectStore;
import dev.pokepedia.media.ObjectStores;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = {"Check that this installation can run, with the fix for each ✗.",
                "Database reachable, migrations applied, queues and stats function present, storage writable with its buckets, "
                        + "upstream reachable, schedules present. Exits non-zero on any ✗."})
final class DoctorCommand implements Callable<Integer> {

    @Mixin
    GlobalOptions global;

    @ArgGroup(exclusive = false)
    LiveOptions live = new LiveOptions();

    private record Check(String name, boolean ok, String detail, String fix) {}

    @Override
    public Integer call() {
        var settings = global.settings();
        LiveConfig config = live.config(settings.env());
        List<Check> checks = new ArrayList<>();
        DatabaseLocator.Resolved resolved = null;
        Database db = null;
        try {
            resolved = new DatabaseLocator(settings.env(), settings.dataDir(), System.getProperty("user.name")).resolve(global.db);
            db = Database.open(resolved.config(), 2);
            checks.add(new Check("database reachable", true, resolved.config().toString(), ""));
        } catch (PokepediaException e) {
            checks.add(new Check("database reachable", false, e.getMessage(), e.hint()));
        }
        if (db != null) {
            checks.add(migrations(db));
            checks.add(queues(db));
            checks.add(schedules(db));
        }
        checks.add(storage(settings));
        checks.add(upstream(config));
        if (db != null) {
            db.close();
        }
        if (resolved != null) {
            resolved.close();
        }
        boolean ok = true;
        for (Check c : checks) {
            System.out.printf("%s %-22s %s%n", c.ok() ? "✓" : "✗", c.name(), c.detail());
            if (!c.ok()) {
                ok = false;
                System.out.println("    fix: " + c.fix());
            }
        }
        System.out.println(ok ? "all checks passed" : "some checks failed");
        return ok ? 0 : PokepediaException.ErrorCode.CONFIGURATION.exitCode();
    }

    /** A failure in words, never "null": connection errors of the JDK client often carry no message. */
    static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return firstLine(t.getMessage());
            }
        }
        return e.getClass().getSimpleName().replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT);
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }

    private static Check migrations(Database db) {
        try {
            List<String> pending = db.pendingMigrations();
            return pending.isEmpty() ? new Check("migrations applied", true, "schema is current", "")
                    : new Check("migrations applied", false, pending.size() + " pending: " + String.join(", ", pending),
                    "Run any pokepedia command that opens the database (they migrate first), e.g. `./pokepedia schedules`.");
        } catch (PokepediaException e) {
            return new Check("migrations applied", false, e.getMessage(), e.hint());
        }
    }

    private static Check queues(Database db) {
        try (Connection c = db.connection(); Statement st = c.createStatement()) {
            Set<String> present = new HashSet<>();
            boolean stats;
            try (ResultSet rs = st.executeQuery("SELECT to_regclass('pokepedia_queues') IS NOT NULL, to_regprocedure('get_pokepedia_queue_stats()') IS NOT NULL")) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return new Check("queues", false, "the queue tables are missing", "Apply the migrations (see above).");
                }
                stats = rs.getBoolean(2);
            }
            try (ResultSet rs = st.executeQuery("SELECT name FROM pokepedia_queues")) {
                while (rs.next()) {
                    present.add(rs.getString(1));
                }
            }
            boolean both = present.contains(LiveQueues.INGEST) && present.contains(LiveQueues.SPRITES);
            return both && stats ? new Check("queues", true, LiveQueues.INGEST + ", " + LiveQueues.SPRITES + ", get_pokepedia_queue_stats()", "")
                    : new Check("queues", false, (both ? "" : "missing queue(s); ") + (stats ? "" : "missing get_pokepedia_queue_stats()"),
                    "Apply the migrations (see above); they create both queues and the function.");
        } catch (Exception e) {
            return new Check("queues", false, firstLine(e.getMessage()), "Check the database.");
        }
    }

    private static Check schedules(Database db) {
        try (Connection c = db.connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FILTER (WHERE enabled), count(*) FROM pokepedia_schedules WHERE name = ANY (ARRAY['"
                     + String.join("','", Scheduler.DEFAULTS.keySet()) + "'])")) {
            rs.next();
            long enabled = rs.getLong(1);
            long total = rs.getLong(2);
            return total == Scheduler.DEFAULTS.size() ? new Check("schedules", true, total + " default schedules, " + enabled + " enabled", "")
                    : new Check("schedules", false, total + " of " + Scheduler.DEFAULTS.size() + " default schedules present",
                    "Run `./pokepedia schedules` once (it creates the defaults), or start `./pokepedia work`.");
        } catch (Exception e) {
            return new Check("schedules", false, firstLine(e.getMessage()), "Apply the migrations (see above).");
        }
    }

    private Check storage(GlobalOptions.Settings settings) {
        try (ObjectStore store = ObjectStores.open(live.storage, settings.dataDir(), settings.env())) {
            String probe = ".pokepedia-doctor-probe";
            for (String bucket : List.of(Asset.SPRITES_BUCKET, Asset.CRIES_BUCKET)) {
                store.ensureBucket(bucket);
            }
            byte[] bytes = "ok".getBytes(StandardCharsets.UTF_8);
            store.put(Asset.SPRITES_BUCKET, probe, bytes, "text/plain", dev.pokepedia.core.Sha256.hex(bytes));
            boolean there = store.head(Asset.SPRITES_BUCKET, probe).isPresent();
            store.delete(Asset.SPRITES_BUCKET, probe);
            return there ? new Check("storage writable", true, store.describe() + " (buckets pokedex-sprites, pokedex-cries)", "")
                    : new Check("storage writable", false, store.describe() + " accepted a write but does not show it", "Check the storage backend.");
        } catch (Exception e) {
            return new Check("storage writable", false, e.getMessage(),
                    e instanceof PokepediaException p && !p.hint().isEmpty() ? p.hint() : "Check --storage / STORAGE_URL and the credentials.");
        }
    }

    private static Check upstream(LiveConfig config) {
        String from = config.upstream();
        try (UpstreamClient client = new UpstreamClient(config.http(), new SimpleMeterRegistry(), Clock.systemUTC());
             SnapshotUpstreams snapshots = new SnapshotUpstreams()) {
            boolean http = from.startsWith("http://") || from.startsWith("https://");
            String base = http ? URI.create(from).getScheme() + "://" + URI.create(from).getRawAuthority() : snapshots.baseFor(from);
            var answer = client.get(URI.create(base + "/api/v2/"), null, null);
            return answer instanceof UpstreamClient.Answer.Document
                    ? new Check("upstream reachable", true, from + " answers /api/v2/", "")
                    : new Check("upstream reachable", false, from + "/api/v2/ answered 404", "Point POKEPEDIA_UPSTREAM / --from at a PokeAPI server.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Check("upstream reachable", false, "interrupted", "");
        } catch (Exception e) {
            return new Check("upstream reachable", false, "cannot reach " + from + ": " + describe(e),
                    "Set POKEPEDIA_UPSTREAM (or --from) to a reachable PokeAPI server or a snapshot; offline: `./pokepedia serve-snapshot <tar.gz>`.");
        }
    }
}
