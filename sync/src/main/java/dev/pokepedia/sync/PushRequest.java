package dev.pokepedia.sync;

import java.util.List;

/** One client's batch: applied in one transaction, idempotent by (user, clientId, opId). */
public record PushRequest(String clientId, List<Operation> ops) {
    public PushRequest {
        ops = List.copyOf(ops);
    }
}
