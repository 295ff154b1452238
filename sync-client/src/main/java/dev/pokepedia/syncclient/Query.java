package dev.pokepedia.syncclient;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A query over one entity type: payload fields equal to values, ordered by a payload field (else by id), paged.
 * Values are compared as JSON scalars (strings, numbers, booleans).
 */
public record Query(String type, Map<String, Object> where, Optional<String> orderBy, boolean descending, int limit, int offset) {

    public Query {
        where = Map.copyOf(where);
        if (limit < 1 || limit > 100_000) {
            throw SyncClientException.badInput("query limit " + limit + " must be between 1 and 100000");
        }
        if (offset < 0) {
            throw SyncClientException.badInput("query offset " + offset + " must be >= 0");
        }
    }

    /** All entities of a type, by id, first 1000. */
    public static Query of(String type) {
        return new Query(type, Map.of(), Optional.empty(), false, 1000, 0);
    }

    public Query where(String field, Object value) {
        Map<String, Object> w = new LinkedHashMap<>(where);
        w.put(field, value);
        return new Query(type, w, orderBy, descending, limit, offset);
    }

    public Query orderBy(String field, boolean desc) {
        return new Query(type, where, Optional.of(field), desc, limit, offset);
    }

    public Query page(int limit, int offset) {
        return new Query(type, where, orderBy, descending, limit, offset);
    }
}
