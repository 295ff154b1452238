package dev.pokepedia.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pokepedia.testkit.FreshDatabase;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link CorpusVerifier} on the imported 07-10 mini: whole, then with one kind of damage planted per test. */
class VerifyIT {

    @RegisterExtension
    static FreshDatabase db = new FreshDatabase();

    @BeforeEach
    void importMini() {
        Rows.reset(db.database());
        ImportReport report = Imports.archive(db.database(), Fixtures.mini0710());
        assertThat(report.failure()).isNull();
        assertThat(report.problems()).isEmpty();
    }

    private static VerifyReport verify() {
        return new CorpusVerifier(db.database()).verify();
    }

    /** Plants one row of damage with {@code sql}, verifies, and expects the verdict to be a failure. */
    private static VerifyReport failsAfter(String sql) {
        assertThat(Rows.execute(db.database(), sql)).as("rows changed by %s", sql).isEqualTo(1);
        VerifyReport report = verify();
        assertThat(report.ok()).isFalse();
        return report;
    }

    private static Map<String, VerifyReport.Check> checks(VerifyReport r) {
        return r.checks().stream().collect(Collectors.toMap(VerifyReport.Check::name, Function.identity()));
    }

    @Test
    void freshly_imported_snapshot_verifies() {
        VerifyReport report = verify();

        assertThat(report.ok()).as("%s", report.checks()).isTrue();
        assertThat(report.dangling()).isEmpty();
        assertThat(report.referencesChecked()).isPositive();
        assertThat(checks(report)).containsOnlyKeys("counts", "references", "projections");
    }

    @Test
    void empty_store_fails_the_counts_check() {
        Rows.reset(db.database());

        VerifyReport report = verify();

        assertThat(report.ok()).isFalse();
        assertThat(checks(report).get("counts").ok()).isFalse();
        assertThat(checks(report).get("counts").detail()).contains("empty");
    }

    @Test
    void dangling_reference_fails_and_is_grouped_by_target_type_with_an_example() {
        VerifyReport report = failsAfter("""
                UPDATE pokeapi_resources SET data = jsonb_set(data, '{types,0,type,url}', '"/api/v2/type/9999/"')
                 WHERE resource_type = 'pokemon' AND resource_key = '25'""");

        assertThat(checks(report).get("references").ok()).isFalse();
        assertThat(checks(report).get("counts").ok()).isTrue();
        assertThat(report.dangling()).singleElement().satisfies(g -> {
            assertThat(g.targetType()).isEqualTo("type");
            assertThat(g.distinctTargets()).isEqualTo(1);
            assertThat(g.references()).isEqualTo(1);
            assertThat(g.examples()).singleElement().satisfies(ex -> assertThat(ex).contains("/api/v2/type/9999/").contains("pokemon/25"));
        });
    }

    @Test
    void reference_to_a_tombstoned_document_dangles() {
        VerifyReport report = failsAfter("UPDATE pokeapi_resources SET deleted_at = now() WHERE resource_type = 'move' AND resource_key = '84'");

        assertThat(report.dangling()).anySatisfy(g -> {
            assertThat(g.targetType()).isEqualTo("move");
            assertThat(g.examples()).anySatisfy(ex -> assertThat(ex).contains("/api/v2/move/84/"));
        });
    }

    @Test
    void missing_row_fails_the_counts_check_naming_its_type() {
        VerifyReport report = failsAfter("DELETE FROM pokeapi_resources WHERE resource_type = 'berry-flavor' AND resource_key = '5'");

        VerifyReport.Check counts = checks(report).get("counts");
        assertThat(counts.ok()).isFalse();
        long listed = Fixtures.listCounts(Fixtures.mini0710()).get("berry-flavor");
        assertThat(counts.detail()).contains("berry-flavor").contains((listed - 1) + " stored").contains("lists " + listed);
        assertThat(checks(report).get("projections").ok()).as("berry flavors have no projection").isTrue();
    }

    @Test
    void stale_projection_fails_the_projections_check() {
        VerifyReport report = failsAfter("DELETE FROM pokepedia_pokemon WHERE id = 25");

        VerifyReport.Check projections = checks(report).get("projections");
        assertThat(projections.ok()).isFalse();
        assertThat(projections.detail()).contains("pokepedia_pokemon");
        assertThat(checks(report).get("counts").ok()).isTrue();
        assertThat(checks(report).get("references").ok()).isTrue();
    }

    @Test
    void pending_projection_work_fails_the_projections_check() {
        VerifyReport report = failsAfter("INSERT INTO pokepedia_projection_pending VALUES ('pokemon', '25')");

        assertThat(checks(report).get("projections").ok()).isFalse();
        assertThat(checks(report).get("projections").detail()).contains("wait for their projections");
    }
}
