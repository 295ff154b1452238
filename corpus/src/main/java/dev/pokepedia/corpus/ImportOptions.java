package dev.pokepedia.corpus;

import java.util.Objects;

/**
 * How to run one snapshot import.
 *
 * @param source        where the documents come from
 * @param dryRun        classify and report only; write nothing
 * @param validate      check documents against the snapshot's own JSON Schemas; invalid ones are not stored
 * @param allowInvalid  with {@code validate}: invalid documents do not fail the run
 * @param batchBytes    canonical JSON bytes per committed batch (the resume granularity)
 * @param parserThreads threads decoding, canonicalising and hashing documents
 * @param maxRemovalShare the largest share (0..1) of the stored documents one run may tombstone
 * @param allowMassRemoval tombstone what the source lacks even against the removal guard's objections
 */
public record ImportOptions(SnapshotSource source, boolean dryRun, boolean validate, boolean allowInvalid,
                            long batchBytes, int parserThreads, double maxRemovalShare, boolean allowMassRemoval) {

    /** The default share: a snapshot that drops more than this is more likely cut short than a real upstream change. */
    public static final double DEFAULT_MAX_REMOVAL_SHARE = 0.05;

    public ImportOptions {
        Objects.requireNonNull(source, "source");
        if (batchBytes < 1) {
            throw new IllegalArgumentException("batchBytes must be positive");
        }
        if (parserThreads < 1) {
            throw new IllegalArgumentException("parserThreads must be at least 1");
        }
        if (!(maxRemovalShare >= 0 && maxRemovalShare <= 1)) {
            throw new IllegalArgumentException("maxRemovalShare must lie between 0 and 1");
        }
    }

    public static ImportOptions of(SnapshotSource source) {
        return new ImportOptions(source, false, false, false, 16L << 20, Math.max(1, Runtime.getRuntime().availableProcessors()),
                DEFAULT_MAX_REMOVAL_SHARE, false);
    }

    public ImportOptions withDryRun(boolean v) {
        return new ImportOptions(source, v, validate, allowInvalid, batchBytes, parserThreads, maxRemovalShare, allowMassRemoval);
    }

    public ImportOptions withValidation(boolean validate, boolean allowInvalid) {
        return new ImportOptions(source, dryRun, validate, allowInvalid, batchBytes, parserThreads, maxRemovalShare, allowMassRemoval);
    }

    public ImportOptions withBatchBytes(long v) {
        return new ImportOptions(source, dryRun, validate, allowInvalid, v, parserThreads, maxRemovalShare, allowMassRemoval);
    }

    public ImportOptions withParserThreads(int v) {
        return new ImportOptions(source, dryRun, validate, allowInvalid, batchBytes, v, maxRemovalShare, allowMassRemoval);
    }

    public ImportOptions withRemovalGuard(double maxShare, boolean allowMass) {
        return new ImportOptions(source, dryRun, validate, allowInvalid, batchBytes, parserThreads, maxShare, allowMass);
    }
}
