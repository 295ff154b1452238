package dev.pokepedia.sync;

import com.fasterxml.jackson.databind.JsonNode;

/** One row as pulled: a live row with its payload, or a tombstone ({@code deleted}, payload null). */
public record Change(String type, String id, long version, boolean deleted, JsonNode payload, String hlc) {}
