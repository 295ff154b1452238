package dev.pokepedia.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pokepedia.testkit.FreshDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The plans the SQL functions really run (auto_explain of nested statements, sent to the client as NOTICEs) with a
 * sizeable backlog in another queue: the claim is an index range scan, the metrics never scan the hot table.
 */
class ClaimPlanIT {

    @RegisterExtension
    static FreshDatabase db = new FreshDatabase();

    private static Queues queues;

    @BeforeAll
    static void fill() throws SQLException {
        queues = Queues.open(db.database());
        queues.create("backlog");
        queues.create("small");
        List<String> bodies = IntStream.range(0, 2_000).mapToObj(i -> "{\"i\": " + i + "}").toList();
        for (int i = 0; i < 25; i++) {
            queues.sendBatch("backlog", bodies);
        }
        queues.sendBatch("small", bodies.subList(0, 200));
        try (Connection c = db.database().connection(); Statement st = c.createStatement()) {
            st.execute("VACUUM ANALYZE pokepedia_queue_messages");
        }
    }

    @AfterAll
    static void close() {
        queues.close();
    }

    /** Runs {@code sql} several times (past plpgsql's switch to a generic plan) and returns every logged plan. */
    private static List<String> nestedPlans(String sql) throws SQLException {
        List<String> plans = new ArrayList<>();
        try (Connection c = db.database().connection(); Statement st = c.createStatement()) {
            try {
                st.execute("LOAD 'auto_explain'");
            } catch (SQLException e) {
                assumeTrue(false, "auto_explain is not available to this user: " + e.getMessage());
            }
            st.execute("SET auto_explain.log_min_duration = 0");
            st.execute("SET auto_explain.log_nested_statements = on");
            st.execute("SET auto_explain.log_level = notice");
            for (int i = 0; i < 7; i++) {
                try (ResultSet rs = st.executeQuery(sql)) {
                    while (rs.next()) {
                        // drain
                    }
                }
                for (SQLWarning w = st.getWarnings(); w != null; w = w.getNextWarning()) {
                    plans.add(w.getMessage());
                }
                st.clearWarnings();
            }
            st.execute("RESET auto_explain.log_min_duration");
        }
        return plans;
    }

    @Test
    void theClaimIsAnIndexRangeScanOnTheClaimIndexNotASeqScan() throws SQLException {
        List<String> plans = nestedPlans("SELECT * FROM pokepedia_queue_read('small', interval '0', 10)");

        List<String> claims = plans.stream().filter(p -> p.contains("LockRows")).toList();
        assertThat(claims).hasSizeGreaterThanOrEqualTo(7).allSatisfy(p -> {
            assertThat(p).contains("Index Scan using pokepedia_queue_messages_claim_idx");
            assertThat(p).doesNotContain("Seq Scan").doesNotContain("Sort");
        });
        assertThat(plans).noneMatch(p -> p.contains("Seq Scan on pokepedia_queue_messages"));
    }

    @Test
    void metricsOfAQueueWithABacklogNeverScanTheHotTable() throws SQLException {
        queues.read("backlog", java.time.Duration.ofMinutes(5), 100);

        List<String> plans = nestedPlans("SELECT * FROM pokepedia_queue_metrics('backlog')");

        assertThat(plans).isNotEmpty().noneMatch(p -> p.contains("Seq Scan on pokepedia_queue_messages"));
        assertThat(String.join("\n", plans)).contains("pokepedia_queue_messages_claim_idx").contains("pokepedia_queue_messages_pkey");
        assertThat(queues.metrics("backlog").length()).isEqualTo(50_000);
        assertThat(queues.metrics("backlog").visibleLength()).isEqualTo(49_900);
    }
}
