package dev.pokepedia.syncclient;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The entity types a store knows, in push order: a parent type always comes before its children (upserts go in this
 * order, deletes in reverse).
 */
public final class EntityRegistry {

    /** The type of client log records shipped to the server (append-only). */
    public static final String USAGE_LOGS = "usage_logs";

    private final Map<String, EntityType> types;

    private EntityRegistry(Map<String, EntityType> types) {
        this.types = types;
    }

    /** A registry of these types; each parent must be listed before its children. */
    public static EntityRegistry of(List<EntityType> list) {
        Map<String, EntityType> map = new LinkedHashMap<>();
        for (EntityType t : list) {
            if (map.containsKey(t.name())) {
                throw SyncClientException.badInput("entity type " + t.name() + " is registered twice");
            }
            t.parentType().ifPresent(p -> {
                if (!map.containsKey(p)) {
                    throw SyncClientException.badInput("entity type " + t.name() + " names parent " + p
                            + ", which must be registered before it");
                }
            });
            map.put(t.name(), t);
        }
        if (!map.containsKey(USAGE_LOGS)) {
            map.put(USAGE_LOGS, EntityType.of(USAGE_LOGS));
        }
        return new EntityRegistry(map);
    }

    /**
     * The reference types of the team-manager app (names are part of the wire contract): players, teams, seasons,
     * tournaments, personnel, settings, warmup_plan, team_rosters (child of teams via team_id), player_adjustments
     * (child of players via player_id), games (an aggregate), and usage_logs.
     */
    public static EntityRegistry reference() {
        List<EntityType> list = new ArrayList<>();
        for (String n : List.of("players", "teams", "seasons", "tournaments", "personnel", "settings", "warmup_plan")) {
            list.add(EntityType.of(n));
        }
        list.add(EntityType.child("team_rosters", "teams", "team_id"));
        list.add(EntityType.child("player_adjustments", "players", "player_id"));
        list.add(EntityType.aggregate("games"));
        return of(list);
    }

    /** The type of this name, or a clear error listing the known ones. */
    public EntityType require(String name) {
        EntityType t = types.get(name);
        if (t == null) {
            throw SyncClientException.badInput("unknown entity type '" + name + "' (known: " + String.join(", ", types.keySet()) + ")");
        }
        return t;
    }

    public boolean contains(String name) {
        return types.containsKey(name);
    }

    /** Types in push order. */
    public List<EntityType> types() {
        return List.copyOf(types.values());
    }

    /** Position in push order (parents first). */
    public int order(String name) {
        int i = 0;
        for (String n : types.keySet()) {
            if (n.equals(name)) {
                return i;
            }
            i++;
        }
        return Integer.MAX_VALUE;
    }
}
