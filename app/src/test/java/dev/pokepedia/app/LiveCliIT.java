package dev.pokepedia.app;

import static dev.pokepedia.app.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pokepedia.core.PokepediaException.ErrorCode;
import dev.pokepedia.corpus.SnapshotSource;
import dev.pokepedia.snapshotserver.ServerOptions;
import dev.pokepedia.snapshotserver.SnapshotServer;
import dev.pokepedia.testkit.FreshDatabase;
import dev.pokepedia.testkit.SharedData;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** seed / work --drain / schedules / doctor / selftest through the CLI against a served fixture snapshot. */
class LiveCliIT {

    @RegisterExtension
    static FreshDatabase db = new FreshDatabase();

    private static SnapshotServer server;

    @TempDir
    Path tmp;

    @BeforeAll
    static void serve() {
        server = SnapshotServer.start(new SnapshotSource.Archive(
                SharedData.repoRoot().resolve("corpus/src/test/resources/fixtures/api-data-mini-2026-07-10.tar.gz")), ServerOptions.defaults());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private String base() {
        String b = server.baseUri().toString();
        return b.substring(0, b.length() - 1);
    }

    private String[] with(String... args) {
        String[] out = new String[args.length + 6];
        System.arraycopy(args, 0, out, 0, args.length);
        out[args.length] = "--db";
        out[args.length + 1] = db.config().jdbcUrl();
        out[args.length + 2] = "--from";
        out[args.length + 3] = base();
        out[args.length + 4] = "--storage";
        out[args.length + 5] = tmp.toUri().toString();
        return out;
    }

    @Test
    void seedThenWorkDrainFillsTheStoreAndDoctorAndSelftestPass() {
        CliRun seed = run(with("seed", "--types", "type,pokemon"));
        assertThat(seed.exit()).as(seed.out()).isZero();
        assertThat(seed.out()).containsPattern("type\\s+\\d+\\s+\\d+").contains("enqueued");

        CliRun work = run(with("work", "--drain", "--queue", "ingest"));
        assertThat(work.exit()).as(work.out()).isZero();
        assertThat(work.out()).contains("pokepedia_ingest: ").contains("dead letters 0, left 0").contains("added=");

        CliRun schedules = run(with("schedules"));
        assertThat(schedules.exit()).as(schedules.out()).isZero();
        assertThat(schedules.out()).contains("daily-refresh").contains("retry-failed-assets").contains("archive-cleanup");
        assertThat(run(with("schedules", "disable", "daily-refresh")).out()).containsPattern("daily-refresh\\s+0 3 \\* \\* \\*\\s+seed\\s+no");
        assertThat(run(with("schedules", "set", "daily-refresh", "not cron")).exit()).isEqualTo(ErrorCode.CONFIGURATION.exitCode());

        CliRun doctor = run(with("doctor"));
        assertThat(doctor.exit()).as(doctor.out()).isZero();
        assertThat(doctor.out()).contains("✓ database reachable").contains("✓ migrations applied").contains("✓ queues")
                .contains("✓ storage writable").contains("✓ upstream reachable").contains("✓ schedules").contains("all checks passed");

        CliRun selftest = run(with("selftest"));
        assertThat(selftest.exit()).as(selftest.out()).isZero();
        assertThat(selftest.out()).contains("type documents stored").contains("= 100%").contains("selftest passed");
    }

    @Test
    void doctorNamesTheUnreachableUpstreamWithAFixAndFails() {
        String[] args = with("doctor");
        args[args.length - 3] = "http://127.0.0.1:1"; // --from: nothing listens on port 1
        CliRun doctor = run(args);
        assertThat(doctor.exit()).isEqualTo(ErrorCode.CONFIGURATION.exitCode());
        assertThat(doctor.out()).contains("✗ upstream reachable").contains("fix: ").contains("some checks failed");
    }
}
