package dev.pokepedia.syncclient;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A stored entity.
 *
 * @param version the server version this copy is based on (0 = never seen by the server)
 */
public record Entity(String type, String id, ObjectNode payload, long version) {
}
