package dev.pokepedia.corpus;

/** A point-in-time view of a running import, for progress bars. {@code sourceBytesTotal} is -1 when unknown. */
public record ImportProgress(String phase, long sourceBytesRead, long sourceBytesTotal, long documents, long written) {}
