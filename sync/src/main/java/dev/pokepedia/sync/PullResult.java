package dev.pokepedia.sync;

import java.util.List;

/** A page of a user's changes in version order; {@code cursor} is the {@code since} of the next page. */
public record PullResult(List<Change> changes, String cursor, boolean hasMore, long serverTimeMs) {}
