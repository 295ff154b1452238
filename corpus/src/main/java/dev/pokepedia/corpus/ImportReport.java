package dev.pokepedia.corpus;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pokepedia.core.PokepediaException;
import dev.pokepedia.corpus.internal.ImportRuns;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * The outcome of one import: the change set per resource type, what was skipped and why, and throughput.
 *
 * @param runId            row in pokepedia_import_runs, or 0 for a dry run
 * @param documents        documents read from the source
 * @param jsonBytes        uncompressed document bytes read
 * @param projections      rows upserted per projection table
 * @param phases           wall time per phase, in order
 * @param failure          what stopped the run early, or null; everything before it is stored
 */
public record ImportReport(long runId, String source, boolean dryRun, SortedMap<String, ChangeCounts> changes,
                           List<Problem> problems, List<Problem> invalid, long documents, long jsonBytes,
                           long unchangedBySource, Duration elapsed, Map<String, Long> projections, Map<String, Duration> phases,
                           PokepediaException failure) {

    /** Seconds spent in one phase ("reading", "tombstones", "projections"), 0 if it did not run. */
    public double phaseSeconds(String phase) {
        Duration d = phases.get(phase);
        return d == null ? 0 : d.toNanos() / 1e9;
    }

    public ChangeCounts total() {
        return changes.values().stream().reduce(ChangeCounts.ZERO, ChangeCounts::plus);
    }

    public boolean nothingChanged() {
        return !total().writes();
    }

    public double documentsPerSecond() {
        return documents / Math.max(1e-9, elapsed.toNanos() / 1e9);
    }

    public double megabytesPerSecond() {
        return jsonBytes / 1e6 / Math.max(1e-9, elapsed.toNanos() / 1e9);
    }

    public String status() {
        if (failure != null) {
            return "failed";
        }
        return problems.isEmpty() && invalid.isEmpty() ? "succeeded" : "partial";
    }

    /** The report as stored in {@code pokepedia_import_runs} and printed by {@code import --json}. */
    public ObjectNode toJson() {
        return ImportRuns.toJson(this);
    }
}
