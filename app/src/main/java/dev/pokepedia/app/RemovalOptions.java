package dev.pokepedia.app;

import dev.pokepedia.core.ConfigurationException;
import dev.pokepedia.corpus.ImportOptions;
import picocli.CommandLine.Option;

/** The import's guard against tombstoning on partial evidence (shared by {@code import} and {@code sync}). */
final class RemovalOptions {

    @Option(names = "--allow-mass-removal", description = "Tombstone every stored document the source lacks, even when that is more "
            + "than --max-removal-percent of the store, a whole endpoint, or less than the source's own lists announce.")
    boolean allowMassRemoval;

    @Option(names = "--max-removal-percent", paramLabel = "P", defaultValue = "5",
            description = "Refuse to tombstone more than P %% of the stored documents in one run (default ${DEFAULT-VALUE}).")
    double maxRemovalPercent;

    ImportOptions applyTo(ImportOptions options) {
        if (!(maxRemovalPercent >= 0 && maxRemovalPercent <= 100)) {
            throw new ConfigurationException("--max-removal-percent must lie between 0 and 100, not " + maxRemovalPercent,
                    "Give a percentage such as 5, or --allow-mass-removal to lift the limit");
        }
        return options.withRemovalGuard(maxRemovalPercent / 100, allowMassRemoval);
    }
}
