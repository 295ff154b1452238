package dev.pokepedia.app;

import dev.pokepedia.core.PokepediaException;
import dev.pokepedia.live.LiveQueues;
import dev.pokepedia.live.Seeder;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Set;
import picocli.CommandLine.Command;

@Command(name = "selftest", mixinStandardHelpOptions = true,
        description = {"End-to-end check of the live path against the real database.",
                "Seeds the `type` documents from the configured upstream ($POKEPEDIA_UPSTREAM or --from), shows them enqueued, runs the "
                        + "ingest worker until drained, and checks that the rows and the pokepedia_types projection were written and progress "
                        + "reached 100%. Reports each step; non-zero exit on failure."})
final class SelftestCommand extends LiveCommand {

    private int step;

    @Override
    int run(LiveSession s, GlobalOptions.Settings settings) throws Exception {
        ok("database " + s.opened.db().config() + " migrated");
        long t0 = System.nanoTime();
        Seeder.Report seeded = s.live.seed(null, Set.of("type"));
        long listed = seeded.listed();
        long depth = s.queues.metrics(LiveQueues.INGEST).length();
        ok("seeded from " + seeded.source() + ": " + listed + " type documents listed, " + seeded.enqueued()
                + " enqueued; pokepedia_ingest holds " + depth);
        if (listed == 0) {
            return fail("the upstream lists no type documents", "Point --from / POKEPEDIA_UPSTREAM at a PokeAPI server or snapshot.");
        }
        s.live.start(Set.of(LiveQueues.INGEST));
        s.live.awaitDrained(Set.of(LiveQueues.INGEST), Duration.ofMillis(100));
        s.live.shutdown(Duration.ofSeconds(30));
        var stats = s.queues.stats().stream().filter(q -> q.queue().equals(LiveQueues.INGEST)).findFirst().orElseThrow();
        ok(String.format("workers drained pokepedia_ingest in %.1f s (dead letters: %d)", (System.nanoTime() - t0) / 1e9, stats.deadLetters()));
        long rows = count(s, "SELECT count(*) FROM pokeapi_resources WHERE resource_type = 'type' AND deleted_at IS NULL");
        long projected = count(s, "SELECT count(*) FROM pokepedia_types");
        long upstreamCount = count(s, "SELECT coalesce(max(upstream_count), 0) FROM pokepedia_endpoints WHERE endpoint = 'type'");
        if (rows < listed) {
            return fail(rows + " of " + listed + " type documents stored", "See the dead letters: `SELECT * FROM pokepedia_queue_archive WHERE dead`.");
        }
        ok(rows + " type documents stored (upstream count " + upstreamCount + ")");
        if (projected < rows) {
            return fail("pokepedia_types has " + projected + " rows for " + rows + " documents", "Run `./pokepedia verify` for details.");
        }
        ok("pokepedia_types projection has " + projected + " rows");
        ok(String.format("progress %d/%d = 100%%", rows, listed));
        System.out.println("selftest passed");
        return 0;
    }

    private void ok(String what) {
        System.out.printf("✓ %d. %s%n", ++step, what);
    }

    private int fail(String what, String fix) {
        System.out.printf("✗ %d. %s%n    fix: %s%n", ++step, what, fix);
        System.out.println("selftest failed");
        return PokepediaException.ErrorCode.VERIFICATION_FAILED.exitCode();
    }

    private static long count(LiveSession s, String sql) throws Exception {
        try (Connection c = s.opened.db().connection(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
