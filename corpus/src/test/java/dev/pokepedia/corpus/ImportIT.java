package dev.pokepedia.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pokepedia.core.PokepediaException;
import dev.pokepedia.testkit.FreshDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Imports of the two closed mini snapshots: cold, idempotent, incremental, revival, dry run, folder sources, --validate. */
class ImportIT {

    @RegisterExtension
    static FreshDatabase db = new FreshDatabase();

    static SortedMap<DocumentId, Fixtures.Doc> docs0606;
    static SortedMap<DocumentId, Fixtures.Doc> docs0710;

    @TempDir
    Path tmp;

    @BeforeAll
    static void readFixtures() {
        docs0606 = Fixtures.documents(Fixtures.mini0606());
        docs0710 = Fixtures.documents(Fixtures.mini0710());
    }

    @BeforeEach
    void emptyStore() {
        Rows.reset(db.database());
    }

    private static ImportReport importArchive(Path archive) {
        ImportReport report = Imports.archive(db.database(), archive);
        assertThat(report.failure()).as("failure of importing %s", archive.getFileName()).isNull();
        assertThat(report.problems()).as("problems of importing %s", archive.getFileName()).isEmpty();
        return report;
    }

    // ---------------------------------------------------------------------------------------------------------
    // the insert lanes

    @Test
    void a_document_the_server_refuses_on_one_insert_lane_fails_the_run_and_a_rerun_stores_everything_once()
            throws Exception {
        DocumentId victim = new ArrayList<>(docs0710.keySet()).get(docs0710.size() / 2);
        try (Connection c = db.database().dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                    + " RAISE EXCEPTION 'refused by the test'; END $$");
            st.execute("CREATE TRIGGER test_refuse BEFORE INSERT ON pokeapi_resources FOR EACH ROW WHEN"
                    + " (NEW.resource_type = '" + victim.type() + "' AND NEW.resource_key = '" + victim.key() + "')"
                    + " EXECUTE FUNCTION test_refuse()");
        }
        try {
            // why a timeout: a lane that failed must stop the writer, never leave it waiting on the lane's queue
            ImportReport failed = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60),
                    () -> Imports.archive(db.database(), Fixtures.mini0710()));
            assertThat(failed.failure()).as("the run's failure").isNotNull();
            assertThat(failed.failure().getMessage() + " " + failed.failure().getCause()).contains("refused by the test");
            assertThat(Rows.liveShas(db.database())).doesNotContainKey(victim);
        } finally {
            try (Connection c = db.database().dataSource().getConnection(); Statement st = c.createStatement()) {
                st.execute("DROP TRIGGER test_refuse ON pokeapi_resources");
                st.execute("DROP FUNCTION test_refuse()");
            }
        }

        importArchive(Fixtures.mini0710());

        Imports.Clean clean = Imports.cleanImport(db, Fixtures.mini0710());
        assertThat(Rows.liveShas(db.database())).isEqualTo(clean.liveShas()).hasSize(docs0710.size());
        assertThat(Rows.projectionDigests(db.database())).isEqualTo(clean.projectionDigests());
    }

    @Test
    void a_pool_of_two_connections_imports_with_one_lane_instead_of_waiting_for_a_third() throws Exception {
        var cfg = db.createSibling("small");
        try (dev.pokepedia.core.Database small = dev.pokepedia.core.Database.open(cfg, 2).migrate()) {
            // why a timeout: a lane waiting for a connection the pool cannot give would stall for the pool's timeout
            ImportReport report = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                    java.time.Duration.ofSeconds(60), () -> Imports.archive(small, Fixtures.mini0710()));
            assertThat(report.failure()).isNull();
            assertThat(Rows.liveShas(small)).hasSize(docs0710.size());
        } finally {
            db.dropSibling("small");
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // cold import

    @Test
    void fixture_readme_counts_match_the_archives() {
        // the README documents 84 documents per mini; everything below derives its expectations from the archives
        assertThat(docs0606).hasSize(84);
        assertThat(docs0710).hasSize(84);
    }

    @Test
    void cold_import_reports_every_document_as_added() {
        ImportReport report = importArchive(Fixtures.mini0606());

        assertThat(report.total()).isEqualTo(new ChangeCounts(docs0606.size(), 0, 0, 0, 0));
        Map<String, Long> addedPerType = new TreeMap<>();
        report.changes().forEach((type, c) -> addedPerType.put(type, c.added()));
        assertThat(addedPerType).isEqualTo(Fixtures.countsByType(docs0606));
        assertThat(report.nothingChanged()).isFalse();
        assertThat(report.status()).isEqualTo("succeeded");
    }

    @Test
    void cold_import_stores_exactly_the_documents_of_the_archive() {
        importArchive(Fixtures.mini0606());

        assertThat(Rows.count(db.database(), "SELECT count(*) FROM pokeapi_resources")).isEqualTo(docs0606.size());
        SortedMap<DocumentId, String> stored = Rows.liveData(db.database());
        assertThat(stored.keySet()).containsExactlyElementsOf(docs0606.keySet());
        stored.forEach((id, json) -> assertThat(Fixtures.json(json)).as("stored %s", id).isEqualTo(docs0606.get(id).tree()));
        Rows.resources(db.database()).forEach((id, r) -> {
            JsonNode name = docs0606.get(id).tree().get("name");
            assertThat(r.name()).as("name of %s", id).isEqualTo(name != null && name.isTextual() ? name.asText() : null);
            assertThat(r.sha256()).as("sha256 of %s", id).matches("[0-9a-f]{64}");
        });
    }

    @Test
    void cold_import_records_list_counts_and_a_finished_run() {
        ImportReport report = importArchive(Fixtures.mini0606());

        assertThat(Rows.endpoints(db.database())).isEqualTo(Fixtures.listCounts(Fixtures.mini0606()));
        Map<String, Object> run = Rows.row(db.database(), "SELECT status, finished_at IS NOT NULL AS finished, "
                + "(report->'total'->>'added')::int AS added FROM pokepedia_import_runs WHERE id = ?", report.runId());
        assertThat(run).containsEntry("status", "succeeded").containsEntry("finished", true).containsEntry("added", docs0606.size());
    }

    // ---------------------------------------------------------------------------------------------------------
    // projections

    @Test
    void import_leaves_planner_statistics_for_the_documents_it_wrote() throws Exception {
        ImportReport report = importArchive(Fixtures.mini0606());
        try (var c = db.database().connection(); var st = c.createStatement();
             var rs = st.executeQuery("SELECT reltuples FROM pg_class WHERE oid = 'pokeapi_resources'::regclass")) {
            assertThat(rs.next()).isTrue();
            // why: without statistics the projection joins degrade to a species scan per pokemon (see CanonicalStore)
            assertThat(rs.getDouble(1)).isEqualTo((double) report.total().added());
        }
    }

    @Test
    void pikachu_projection_is_derived_from_its_document() {
        importArchive(Fixtures.mini0606());
        JsonNode doc = docs0606.get(new DocumentId("pokemon", "25")).tree();

        Map<String, Object> row = Rows.row(db.database(), "SELECT * FROM pokepedia_pokemon WHERE id = 25");
        assertThat(row).containsEntry("name", "pikachu").containsEntry("type_primary", "electric")
                .containsEntry("type_secondary", null).containsEntry("total_base_stat", 320).containsEntry("generation", 1)
                .containsEntry("sprite_front_default_path", "sprites/pokemon/25.png")
                .containsEntry("cry_latest_path", "cries/pokemon/latest/25.ogg");
        // the literals above are the README's and the brief's; they must also be what the document says
        assertThat(Fixtures.json((String) row.get("types"))).isEqualTo(Fixtures.json("[\"electric\"]"));
        assertThat(typeNames(doc)).containsExactly("electric");
        assertThat(baseStatTotal(doc)).isEqualTo(320);
        assertThat(doc.at("/sprites/front_default").asText()).endsWith("/sprites/pokemon/25.png");
        assertThat(doc.at("/cries/latest").asText()).endsWith("/cries/pokemon/latest/25.ogg");
        JsonNode species = docs0606.get(new DocumentId("pokemon-species", "25")).tree();
        assertThat(urlId(species.at("/generation/url").asText())).isEqualTo(1);
        assertThat(row).containsEntry("height", doc.get("height").intValue()).containsEntry("weight", doc.get("weight").intValue())
                .containsEntry("species_id", urlId(doc.at("/species/url").asText()));
    }

    @Test
    void charizard_projection_has_both_types_in_slot_order_and_its_stat_total() {
        importArchive(Fixtures.mini0606());
        JsonNode doc = docs0606.get(new DocumentId("pokemon", "6")).tree();

        Map<String, Object> row = Rows.row(db.database(), "SELECT * FROM pokepedia_pokemon WHERE id = 6");
        assertThat(typeNames(doc)).containsExactly("fire", "flying");
        assertThat(row).containsEntry("type_primary", "fire").containsEntry("type_secondary", "flying")
                .containsEntry("total_base_stat", baseStatTotal(doc));
        assertThat(baseStatTotal(doc)).isEqualTo(534);
        for (JsonNode s : doc.get("stats")) {
            String column = s.at("/stat/name").asText().replace('-', '_');
            assertThat(row).as("stat %s", column).containsEntry(column, s.get("base_stat").intValue());
        }
    }

    @Test
    void every_projection_has_one_row_per_document_of_its_type() {
        importArchive(Fixtures.mini0606());

        Rows.PROJECTIONS.forEach((table, type) -> {
            List<Integer> expected = docs0606.keySet().stream().filter(id -> id.type().equals(type))
                    .map(id -> Integer.parseInt(id.key())).sorted().toList();
            assertThat(expected).as("fixture has %s documents", type).isNotEmpty();
            assertThat(Rows.projectionIds(db.database(), table)).as(table).isEqualTo(expected);
        });
        assertThat(Rows.count(db.database(), "SELECT count(*) FROM pokepedia_projection_pending")).isZero();
    }

    @Test
    void type_projection_lists_the_damage_relations_of_the_type_document() {
        importArchive(Fixtures.mini0606());

        for (var e : ofType(docs0606, "type").entrySet()) {
            JsonNode relations = e.getValue().tree().get("damage_relations");
            Map<String, Object> row = Rows.row(db.database(), "SELECT * FROM pokepedia_types WHERE id = ?", Integer.parseInt(e.getKey().key()));
            assertThat(row).containsEntry("name", e.getValue().tree().get("name").asText());
            relations.fieldNames().forEachRemaining(rel -> assertThat(Fixtures.json((String) row.get(rel)))
                    .as("%s of %s", rel, e.getKey()).isEqualTo(names(relations.get(rel))));
        }
        String fireDoubleFrom = Rows.string(db.database(), "SELECT double_damage_from::text FROM pokepedia_types WHERE name = 'fire'");
        assertThat(Fixtures.json(fireDoubleFrom)).contains(Fixtures.json("\"water\""));
    }

    @Test
    void species_and_move_projections_carry_the_fields_of_their_documents() {
        importArchive(Fixtures.mini0606());

        ofType(docs0606, "pokemon-species").forEach((id, d) -> {
            JsonNode t = d.tree();
            Map<String, Object> row = Rows.row(db.database(), "SELECT * FROM pokepedia_species WHERE id = ?", Integer.parseInt(id.key()));
            assertThat(row).as("species %s", id.key()).containsEntry("name", t.get("name").asText())
                    .containsEntry("generation", urlId(t.at("/generation/url").asText()))
                    .containsEntry("evolution_chain_id", urlId(t.at("/evolution_chain/url").asText()))
                    .containsEntry("evolves_from_species_id", t.get("evolves_from_species").isNull() ? null
                            : urlId(t.at("/evolves_from_species/url").asText()))
                    .containsEntry("is_legendary", t.get("is_legendary").booleanValue())
                    .containsEntry("capture_rate", t.get("capture_rate").intValue());
        });
        ofType(docs0606, "move").forEach((id, d) -> {
            JsonNode t = d.tree();
            Map<String, Object> row = Rows.row(db.database(), "SELECT * FROM pokepedia_moves WHERE id = ?", Integer.parseInt(id.key()));
            assertThat(row).as("move %s", id.key()).containsEntry("name", t.get("name").asText())
                    .containsEntry("type", t.at("/type/name").asText())
                    .containsEntry("damage_class", t.at("/damage_class/name").asText())
                    .containsEntry("power", t.get("power").isNull() ? null : t.get("power").intValue())
                    .containsEntry("accuracy", t.get("accuracy").isNull() ? null : t.get("accuracy").intValue())
                    .containsEntry("pp", t.get("pp").intValue());
        });
    }

    @Test
    void evolution_chain_projection_lists_every_stage_of_the_chain() {
        importArchive(Fixtures.mini0606());

        ofType(docs0606, "evolution-chain").forEach((id, d) -> {
            List<String> expected = new ArrayList<>();
            walkChain(d.tree().get("chain"), expected);
            String stages = Rows.string(db.database(), "SELECT stages::text FROM pokepedia_evolution_chains WHERE id = ?",
                    Integer.parseInt(id.key()));
            List<String> names = StreamSupport.stream(Fixtures.json(stages).spliterator(), false).map(s -> s.get("name").asText()).toList();
            assertThat(names).as("chain %s", id.key()).containsExactlyInAnyOrderElementsOf(expected);
        });
    }

    // ---------------------------------------------------------------------------------------------------------
    // idempotence

    @Test
    void reimport_of_same_snapshot_writes_nothing() {
        importArchive(Fixtures.mini0606());
        var rowsBefore = Rows.resources(db.database());
        var projectionsBefore = Rows.projectionUpdatedAt(db.database());

        ImportReport again = importArchive(Fixtures.mini0606());

        assertThat(again.nothingChanged()).isTrue();
        assertThat(again.total()).isEqualTo(new ChangeCounts(0, 0, docs0606.size(), 0, 0));
        assertThat(Rows.resources(db.database())).isEqualTo(rowsBefore);
        assertThat(Rows.projectionUpdatedAt(db.database())).isEqualTo(projectionsBefore);
        assertThat(again.projections().values()).allMatch(n -> n == 0L);
    }

    @Test
    void an_unchanged_reimport_recognises_every_document_by_its_source_bytes_without_parsing_it() {
        ImportReport first = importArchive(Fixtures.mini0606());
        assertThat(first.unchangedBySource()).isZero();
        // into an empty store nothing is hashed; the first re-import parses everything and records the hashes
        ImportReport recording = importArchive(Fixtures.mini0606());
        assertThat(recording.unchangedBySource()).isZero();

        ImportReport again = importArchive(Fixtures.mini0606());

        assertThat(again.unchangedBySource()).isEqualTo(docs0606.size());
        assertThat(again.total()).isEqualTo(new ChangeCounts(0, 0, docs0606.size(), 0, 0));
    }

    @Test
    void a_document_another_writer_changed_or_tombstoned_is_restored_although_its_source_bytes_are_the_same() {
        importArchive(Fixtures.mini0606());
        importArchive(Fixtures.mini0606()); // records the source hashes
        var rowsBefore = Rows.resources(db.database());
        try (Connection c = db.database().connection(); Statement st = c.createStatement()) {
            // as the crawler would: other content, its own hash
            st.execute("UPDATE pokeapi_resources SET data = '{\"id\": 25, \"name\": \"edited\"}', sha256 = 'edited'"
                    + " WHERE resource_type = 'pokemon' AND resource_key = '25'");
            st.execute("UPDATE pokeapi_resources SET deleted_at = now() WHERE resource_type = 'type' AND resource_key = '13'");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }

        ImportReport again = importArchive(Fixtures.mini0606());

        assertThat(again.unchangedBySource()).isEqualTo(docs0606.size() - 2);
        assertThat(again.total()).isEqualTo(new ChangeCounts(1, 1, docs0606.size() - 2, 0, 0));
        var rowsAfter = Rows.resources(db.database());
        for (DocumentId id : List.of(new DocumentId("pokemon", "25"), new DocumentId("type", "13"))) {
            assertThat(rowsAfter.get(id).sha256()).as("%s", id).isEqualTo(rowsBefore.get(id).sha256());
            assertThat(rowsAfter.get(id).deletedAt()).as("%s", id).isNull();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // incremental

    @Test
    void incremental_import_reports_the_change_set_between_the_snapshots() {
        importArchive(Fixtures.mini0606());

        ImportReport report = importArchive(Fixtures.mini0710());

        SortedMap<String, ChangeCounts> expected = Fixtures.expectedChanges(docs0606, docs0710);
        assertThat(report.changes()).isEqualTo(expected);
        // what the fixture README documents, as a check on the derivation above
        assertThat(expected.get("move").added()).isEqualTo(1);
        assertThat(expected.get("ability").removed()).isEqualTo(1);
        assertThat(Fixtures.differing(docs0606, docs0710)).contains(new DocumentId("meta", "meta"), new DocumentId("generation", "1"),
                new DocumentId("type", "13"), new DocumentId("pokemon", "25"), new DocumentId("pokemon", "26"),
                new DocumentId("move", "84"), new DocumentId("ability", "9"));
        ChangeCounts total = report.total();
        assertThat(total.unchanged()).isEqualTo(docs0710.size() - total.added() - total.changed());
    }

    @Test
    void incremental_import_adds_updates_and_tombstones_only_what_changed() {
        importArchive(Fixtures.mini0606());
        var before = Rows.resources(db.database());

        importArchive(Fixtures.mini0710());

        var after = Rows.resources(db.database());
        Set<DocumentId> differing = Fixtures.differing(docs0606, docs0710);
        DocumentId static9 = new DocumentId("ability", "9");
        DocumentId thunderShock = new DocumentId("move", "84");
        assertThat(after.keySet()).as("tombstoned rows are kept").containsAll(before.keySet()).contains(thunderShock);
        assertThat(after.get(static9).deletedAt()).isNotNull();
        assertThat(after.get(static9).sha256()).isEqualTo(before.get(static9).sha256());
        assertThat(after.get(thunderShock).live()).isTrue();
        before.forEach((id, old) -> {
            if (differing.contains(id)) {
                assertThat(after.get(id).updatedAt()).as("updated_at of %s", id).isAfter(old.updatedAt());
            } else {
                assertThat(after.get(id)).as("untouched %s", id).isEqualTo(old);
            }
        });
        after.forEach((id, r) -> {
            if (r.live()) {
                assertThat(Fixtures.json(Rows.data(db.database(), id))).as("%s", id).isEqualTo(docs0710.get(id).tree());
            }
        });
    }

    @Test
    void projections_follow_an_incremental_import() {
        importArchive(Fixtures.mini0606());
        var projectionsBefore = Rows.projectionUpdatedAt(db.database());

        importArchive(Fixtures.mini0710());

        assertThat(Rows.projectionIds(db.database(), "pokepedia_moves")).contains(84)
                .isEqualTo(keysOf(docs0710, "move"));
        assertThat(Rows.string(db.database(), "SELECT name FROM pokepedia_moves WHERE id = 84"))
                .isEqualTo(docs0710.get(new DocumentId("move", "84")).tree().get("name").asText());
        String abilities = Rows.string(db.database(), "SELECT abilities::text FROM pokepedia_pokemon WHERE id = 25");
        List<String> projected = StreamSupport.stream(Fixtures.json(abilities).spliterator(), false).map(a -> a.get("name").asText()).toList();
        List<String> inDocument = StreamSupport.stream(docs0710.get(new DocumentId("pokemon", "25")).tree().get("abilities").spliterator(), false)
                .map(a -> a.at("/ability/name").asText()).toList();
        assertThat(projected).isEqualTo(inDocument).doesNotContain("static");
        // unchanged documents keep their projection rows untouched
        var after = Rows.projectionUpdatedAt(db.database());
        Set<DocumentId> differing = Fixtures.differing(docs0606, docs0710);
        projectionsBefore.get("pokepedia_types").forEach((id, at) -> {
            if (!differing.contains(new DocumentId("type", id.toString()))) {
                assertThat(after.get("pokepedia_types").get(id)).as("type %s", id).isEqualTo(at);
            } else {
                assertThat(after.get("pokepedia_types").get(id)).as("type %s", id).isAfter(at);
            }
        });
        assertThat(Rows.count(db.database(), "SELECT count(*) FROM pokepedia_projection_pending")).isZero();
    }

    @Test
    void reimporting_an_older_snapshot_revives_tombstoned_documents_as_added() {
        importArchive(Fixtures.mini0606());
        var shas0606 = Rows.liveShas(db.database());
        importArchive(Fixtures.mini0710());

        ImportReport back = importArchive(Fixtures.mini0606());

        DocumentId static9 = new DocumentId("ability", "9");
        assertThat(back.changes().get("ability").added()).isEqualTo(1);
        assertThat(back.changes()).isEqualTo(Fixtures.expectedChanges(docs0710, docs0606));
        assertThat(Rows.resources(db.database()).get(static9).live()).isTrue();
        assertThat(Rows.liveShas(db.database())).isEqualTo(shas0606);
        // move/84 went away again: tombstoned, and its projection row is gone
        assertThat(Rows.resources(db.database()).get(new DocumentId("move", "84")).deletedAt()).isNotNull();
        assertThat(Rows.projectionIds(db.database(), "pokepedia_moves")).doesNotContain(84).isEqualTo(keysOf(docs0606, "move"));
    }

    @Test
    void dry_run_reports_the_change_set_and_writes_nothing() {
        importArchive(Fixtures.mini0606());
        var rowsBefore = Rows.resources(db.database());
        var projectionsBefore = Rows.projectionUpdatedAt(db.database());
        long runsBefore = Rows.count(db.database(), "SELECT count(*) FROM pokepedia_import_runs");

        ImportReport dry = Imports.run(db.database(), ImportOptions.of(new SnapshotSource.Archive(Fixtures.mini0710())).withDryRun(true));

        assertThat(dry.failure()).isNull();
        assertThat(dry.dryRun()).isTrue();
        assertThat(dry.runId()).isZero();
        assertThat(dry.changes()).isEqualTo(Fixtures.expectedChanges(docs0606, docs0710));
        assertThat(dry.nothingChanged()).isFalse();
        assertThat(Rows.resources(db.database())).isEqualTo(rowsBefore);
        assertThat(Rows.projectionUpdatedAt(db.database())).isEqualTo(projectionsBefore);
        assertThat(Rows.count(db.database(), "SELECT count(*) FROM pokepedia_import_runs")).isEqualTo(runsBefore);
        assertThat(Rows.count(db.database(), "SELECT count(*) FROM pokepedia_projection_pending")).isZero();
    }

    // ---------------------------------------------------------------------------------------------------------
    // folder sources

    enum FolderForm {
        CHECKOUT_ROOT(unpacked -> unpacked.resolve(Fixtures.topFolder(Fixtures.mini0710()))),
        API_V2_FOLDER(unpacked -> unpacked.resolve(Fixtures.topFolder(Fixtures.mini0710())).resolve("data/api/v2")),
        PARENT_WITH_ONE_TOP_FOLDER(unpacked -> unpacked);

        final Function<Path, Path> pick;

        FolderForm(Function<Path, Path> pick) {
            this.pick = pick;
        }
    }

    @ParameterizedTest
    @EnumSource(FolderForm.class)
    void folder_source_stores_the_same_documents_as_the_archive(FolderForm form) {
        importArchive(Fixtures.mini0710());
        var fromArchive = Rows.liveShas(db.database());
        Rows.reset(db.database());
        Path folder = form.pick.apply(Fixtures.unpack(Fixtures.mini0710(), tmp.resolve("unpacked")));

        ImportReport report = Imports.run(db.database(), ImportOptions.of(new SnapshotSource.Folder(folder)));

        assertThat(report.failure()).isNull();
        assertThat(report.problems()).isEmpty();
        assertThat(report.total().added()).isEqualTo(docs0710.size());
        assertThat(Rows.liveShas(db.database())).hasSize(docs0710.size()).isEqualTo(fromArchive);
        assertThat(Rows.endpoints(db.database())).isEqualTo(Fixtures.listCounts(Fixtures.mini0710()));
    }

    // ---------------------------------------------------------------------------------------------------------
    // --validate

    @Test
    void validation_of_a_valid_snapshot_stores_every_document() {
        ImportReport report = Imports.run(db.database(),
                ImportOptions.of(new SnapshotSource.Archive(Fixtures.mini0710())).withValidation(true, false));

        assertThat(report.failure()).isNull();
        assertThat(report.invalid()).isEmpty();
        assertThat(report.total().added()).isEqualTo(docs0710.size());
        assertThat(Rows.liveShas(db.database()).keySet()).isEqualTo(docs0710.keySet());
    }

    @Test
    void invalid_document_is_reported_with_path_and_reason_not_stored_and_fails_the_run() {
        ImportReport report = importTallPikachuValidated(false);

        assertThat(report.failure()).isNotNull();
        assertThat(report.failure().code()).isEqualTo(PokepediaException.ErrorCode.INVALID_DOCUMENTS);
        assertThat(report.status()).isEqualTo("failed");
    }

    @Test
    void allow_invalid_accepts_the_run_without_the_invalid_document() {
        ImportReport report = importTallPikachuValidated(true);

        assertThat(report.failure()).isNull();
        assertThat(report.status()).isEqualTo("partial");
    }

    @Test
    void without_validation_a_schema_violation_is_stored_as_is() {
        Path tall = tallPikachu();

        ImportReport report = Imports.archive(db.database(), tall);

        assertThat(report.invalid()).isEmpty();
        assertThat(report.total().added()).isEqualTo(docs0710.size());
        assertThat(Fixtures.json(Rows.data(db.database(), new DocumentId("pokemon", "25"))).get("height").asText()).isEqualTo("tall");
    }

    @Test
    void schema_violation_in_a_projected_field_does_not_block_the_projections_of_the_run() {
        ImportReport report = Imports.archive(db.database(), tallPikachu());

        if (report.failure() != null) {
            assertThat(report.failure().code()).as(report.failure().getMessage())
                    .isNotEqualTo(PokepediaException.ErrorCode.DATABASE_UNAVAILABLE);
        }
        assertThat(Rows.projectionIds(db.database(), "pokepedia_moves")).isEqualTo(keysOf(docs0710, "move"));
        assertThat(Rows.projectionIds(db.database(), "pokepedia_types")).isEqualTo(keysOf(docs0710, "type"));
        try (var c = db.database().connection(); var rs = c.createStatement().executeQuery(
                "SELECT height IS NULL, total_base_stat FROM pokepedia_pokemon WHERE id = 25")) {
            assertThat(rs.next()).as("pikachu is projected despite its bad height").isTrue();
            assertThat(rs.getBoolean(1)).as("a non-numeric height reads as NULL").isTrue();
            assertThat(rs.getInt(2)).isEqualTo(320);
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }

    private Path tallPikachu() {
        DocumentId pikachu = new DocumentId("pokemon", "25");
        String json = new String(docs0710.get(pikachu).bytes(), StandardCharsets.UTF_8);
        String tall = json.replaceFirst("\"height\": \\d+,", "\"height\": \"tall\",");
        assertThat(tall).as("the fixture's height field was replaced").isNotEqualTo(json);
        return Fixtures.withDocument(Fixtures.mini0710(), tmp.resolve("tall-pikachu.tar.gz"), "pokemon/25", tall.getBytes(StandardCharsets.UTF_8));
    }

    /** Imports {@link #tallPikachu()} with validation on and checks that only pikachu was rejected, as invalid. */
    private ImportReport importTallPikachuValidated(boolean allowInvalid) {
        Path archive = tallPikachu();
        ImportReport report = Imports.run(db.database(), ImportOptions.of(new SnapshotSource.Archive(archive)).withValidation(true, allowInvalid));

        DocumentId pikachu = new DocumentId("pokemon", "25");
        assertThat(report.invalid()).singleElement().satisfies(p -> {
            assertThat(p.where()).isEqualTo(Fixtures.entryPath(archive, "pokemon/25"));
            assertThat(p.what()).contains("height");
        });
        assertThat(report.changes().get("pokemon").invalid()).isEqualTo(1);
        assertThat(report.changes().get("pokemon").added()).isEqualTo(ofType(docs0710, "pokemon").size() - 1);
        var stored = Rows.liveShas(db.database()).keySet();
        assertThat(stored).doesNotContain(pikachu);
        Set<DocumentId> rest = new HashSet<>(docs0710.keySet());
        rest.remove(pikachu);
        assertThat(stored).isEqualTo(rest);
        return report;
    }

    // ---------------------------------------------------------------------------------------------------------
    // independent readings of the documents

    private static SortedMap<DocumentId, Fixtures.Doc> ofType(SortedMap<DocumentId, Fixtures.Doc> docs, String type) {
        return docs.entrySet().stream().filter(e -> e.getKey().type().equals(type))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
    }

    private static List<Integer> keysOf(SortedMap<DocumentId, Fixtures.Doc> docs, String type) {
        return ofType(docs, type).keySet().stream().map(id -> Integer.parseInt(id.key())).sorted().toList();
    }

    private static List<String> typeNames(JsonNode pokemon) {
        List<JsonNode> slots = new ArrayList<>();
        pokemon.get("types").forEach(slots::add);
        slots.sort((a, b) -> Integer.compare(a.get("slot").intValue(), b.get("slot").intValue()));
        return slots.stream().map(s -> s.at("/type/name").asText()).toList();
    }

    private static int baseStatTotal(JsonNode pokemon) {
        int total = 0;
        for (JsonNode s : pokemon.get("stats")) {
            total += s.get("base_stat").intValue();
        }
        return total;
    }

    private static JsonNode names(JsonNode namedResources) {
        var arr = Fixtures.mapper().createArrayNode();
        namedResources.forEach(r -> arr.add(r.get("name").asText()));
        return arr;
    }

    private static void walkChain(JsonNode node, List<String> out) {
        out.add(node.at("/species/name").asText());
        node.get("evolves_to").forEach(n -> walkChain(n, out));
    }

    /** The numeric id at the end of a reference such as {@code /api/v2/generation/1/}. */
    private static Integer urlId(String url) {
        String[] parts = url.split("/");
        return Integer.valueOf(parts[parts.length - 1]);
    }
}
