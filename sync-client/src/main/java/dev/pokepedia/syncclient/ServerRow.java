package dev.pokepedia.syncclient;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/** The server's copy of an entity, as a pull change or a push conflict reports it. */
public record ServerRow(String type, String id, long version, boolean deleted, Optional<ObjectNode> payload, String hlc) {
}
