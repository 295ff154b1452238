package dev.pokepedia.sync;

import java.util.List;
import java.util.Map;

/** The answer to a push: one result per operation in request order, counts per type, the server's clock. */
public record PushResult(List<OpResult> results, Map<String, TypeCounts> counts, long serverTimeMs) {

    public record TypeCounts(int upserted, int deleted, int conflicts) {}

    public long conflicts() {
        return results.stream().filter(r -> r.status() == OpResult.Status.CONFLICT).count();
    }
}
