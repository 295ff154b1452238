package dev.pokepedia.syncclient;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pokepedia.syncclient.internal.Json;
import dev.pokepedia.syncclient.internal.Merge;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** Settles a local change against the server's row by the entity type's {@link ConflictStrategy}. */
final class ConflictResolver {

    private final LocalStore store;
    private final SyncConfig config;

    ConflictResolver(LocalStore store, SyncConfig config) {
        this.store = store;
        this.config = config;
    }

    /** Resolves a local change against the server's row by the type's strategy, inside the caller's transaction. */
    void resolve(Connection c, OutboxOp op, ServerRow server) throws SQLException {
        if (!server.hlc().isEmpty()) {
            store.hlc().merge(Hlc.Stamp.parse(server.hlc()));
        }
        List<OutboxOp> open = Outbox.openOps(c, op.type(), op.entityId());
        Hlc.Stamp localStamp = Hlc.Stamp.parse(op.hlc());
        for (OutboxOp o : open) {
            Hlc.Stamp s = Hlc.Stamp.parse(o.hlc());
            if (s.compareTo(localStamp) > 0) {
                localStamp = s;
            }
        }
        Optional<Entity> local = currentLocal(c, op.type(), op.entityId());
        ConflictStrategy strategy = config.strategyFor(op.type());
        boolean localNewer = localStamp.compareTo(Hlc.Stamp.parse(server.hlc())) > 0;
        switch (strategy) {
            case REMOTE_WINS -> store.applyServerRow(c, server);
            case LOCAL_WINS -> keepLocal(c, op, local, server);
            case NEWEST_WINS -> {
                if (localNewer) {
                    keepLocal(c, op, local, server);
                } else {
                    store.applyServerRow(c, server);
                }
            }
            case MANUAL -> store.openConflict(c, op.payload().isPresent() || op.kind() == OpKind.DELETE ? op
                    : Outbox.byId(c, op.opId()).orElse(op), server);
            case MERGE -> merge(c, op, local, server, localNewer);
        }
    }

    private void keepLocal(Connection c, OutboxOp op, Optional<Entity> local, ServerRow server) throws SQLException {
        store.rebaseOnServer(c, op.type(), op.entityId(), local.map(Entity::payload).orElse(null), server, store.hlc().now().toString());
    }

    private void merge(Connection c, OutboxOp op, Optional<Entity> local, ServerRow server, boolean localNewer) throws SQLException {
        boolean tieLocal = switch (config.tieStrategy()) {
            case LOCAL_WINS -> true;
            case REMOTE_WINS -> false;
            default -> localNewer;
        };
        if (local.isEmpty() || server.deleted() || server.payload().isEmpty()) {
            // why: a delete on either side is a whole-entity change; fields cannot be merged into it
            if (tieLocal) {
                keepLocal(c, op, local, server);
            } else {
                store.applyServerRow(c, server);
            }
            return;
        }
        ObjectNode base = store.basePayload(c, op.type(), op.entityId()).orElse(Json.MAPPER.createObjectNode());
        ObjectNode merged = Merge.threeWay(base, local.get().payload(), server.payload().get(), tieLocal);
        if (merged.equals(server.payload().get())) {
            store.applyServerRow(c, server);
        } else {
            store.rebaseOnServer(c, op.type(), op.entityId(), merged, server, store.hlc().now().toString());
        }
    }

    private Optional<Entity> currentLocal(Connection c, String type, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT payload, version FROM entities WHERE type = ? AND id = ?")) {
            ps.setString(1, type);
            ps.setString(2, id);
            try (var rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Entity(type, id, (ObjectNode) Json.read(rs.getString(1)), rs.getLong(2))) : Optional.empty();
            }
        }
    }
}
