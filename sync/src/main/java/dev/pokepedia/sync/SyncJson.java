package dev.pokepedia.sync;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The /sync/v1 wire format (SYNC-PROTOCOL.md): parsing of push and single-op bodies, with errors naming the field at
 * fault, and the JSON of answers. Snake_case keys throughout.
 */
public final class SyncJson {

    static final ObjectMapper MAPPER = new ObjectMapper();

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(200).build());
    }

    private SyncJson() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** {@code {"client_id": "...", "ops": [...]}}; at most {@code maxOps} operations. */
    public static PushRequest parsePush(byte[] body, int maxOps) {
        ObjectNode root = object(body);
        String client = clientId(root);
        JsonNode ops = root.get("ops");
        if (ops == null || !ops.isArray()) {
            throw bad("ops must be an array of operations");
        }
        if (ops.size() > maxOps) {
            throw bad("ops has " + ops.size() + " operations; at most " + maxOps + " per push (send the rest in another request)");
        }
        List<Operation> list = new ArrayList<>(ops.size());
        for (int i = 0; i < ops.size(); i++) {
            list.add(operation(ops.get(i), "ops[" + i + "]"));
        }
        return new PushRequest(client, list);
    }

    /** {@code {"client_id": "...", "op": {...}}}: the one-operation fallback. */
    public static PushRequest parseSingle(byte[] body) {
        ObjectNode root = object(body);
        String client = clientId(root);
        JsonNode op = root.get("op");
        if (op == null) {
            throw bad("op is missing (one operation object)");
        }
        return new PushRequest(client, List.of(operation(op, "op")));
    }

    private static ObjectNode object(byte[] body) {
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw bad("the body is not valid JSON: " + e.getOriginalMessage() + " at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr());
        } catch (IOException e) {
            throw bad("the body cannot be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw bad("the body must be a JSON object");
        }
        return (ObjectNode) root;
    }

    private static String clientId(ObjectNode root) {
        JsonNode c = root.get("client_id");
        if (c == null || !c.isTextual() || c.asText().isEmpty() || c.asText().length() > 200) {
            throw bad("client_id must be a string of 1 to 200 characters (the client install's id)");
        }
        return c.asText();
    }

    private static Operation operation(JsonNode n, String where) {
        if (n == null || !n.isObject()) {
            throw bad(where + " must be a JSON object");
        }
        long opId = nonNegativeLong(n, "op_id", where);
        String type = text(n, "type", where);
        String id = text(n, "id", where);
        String kindText = text(n, "kind", where);
        Operation.Kind kind = switch (kindText) {
            case "upsert" -> Operation.Kind.UPSERT;
            case "delete" -> Operation.Kind.DELETE;
            default -> throw bad(where + ".kind must be \"upsert\" or \"delete\", not \"" + clip(kindText) + "\"");
        };
        long base = nonNegativeLong(n, "base_version", where);
        JsonNode payload = n.get("payload");
        if (kind == Operation.Kind.UPSERT) {
            if (payload == null || !payload.isObject()) {
                throw bad(where + ".payload must be an object for an upsert");
            }
        } else {
            payload = null;
        }
        JsonNode hlc = n.get("hlc");
        if (hlc != null && !hlc.isNull() && !hlc.isTextual()) {
            throw bad(where + ".hlc must be a string");
        }
        return new Operation(opId, type, id, kind, base, payload, hlc == null || hlc.isNull() ? null : hlc.asText());
    }

    private static String text(JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw bad(where + "." + field + " must be a non-empty string");
        }
        return v.asText();
    }

    private static long nonNegativeLong(JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || v.getNodeType() != JsonNodeType.NUMBER || !v.canConvertToExactIntegral() || !v.canConvertToLong() || v.asLong() < 0) {
            throw bad(where + "." + field + " must be a non-negative integer");
        }
        return v.asLong();
    }

    /** The operations as the SQL function takes them. */
    static String opsJson(List<Operation> ops) {
        ArrayNode a = MAPPER.createArrayNode();
        for (Operation o : ops) {
            ObjectNode n = a.addObject().put("op_id", o.opId()).put("type", o.type()).put("id", o.id())
                    .put("kind", o.kind() == Operation.Kind.UPSERT ? "upsert" : "delete").put("base_version", o.baseVersion());
            if (o.payload() != null) {
                n.set("payload", o.payload());
            }
            if (o.hlc() != null) {
                n.put("hlc", o.hlc());
            }
        }
        return a.toString();
    }

    /** Reads the SQL function's answer. */
    static PushResult pushResult(String json, long serverTimeMs) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("sync_push answered malformed JSON", e);
        }
        List<OpResult> results = new ArrayList<>();
        for (JsonNode r : root.path("results")) {
            JsonNode s = r.get("server");
            OpResult.ServerRow server = s == null || s.isNull() ? null
                    : new OpResult.ServerRow(s.path("version").asLong(), s.path("deleted").asBoolean(),
                            s.get("payload") == null || s.get("payload").isNull() ? null : s.get("payload"),
                            s.path("hlc").isTextual() ? s.path("hlc").asText() : null);
            results.add(new OpResult(r.path("op_id").isNumber() ? r.path("op_id").asLong() : null, r.path("type").asText(),
                    r.path("id").asText(), "conflict".equals(r.path("status").asText()) ? OpResult.Status.CONFLICT : OpResult.Status.APPLIED,
                    r.path("version").isNumber() ? r.path("version").asLong() : null, server));
        }
        Map<String, PushResult.TypeCounts> counts = new java.util.TreeMap<>();
        root.path("counts").properties().forEach(e -> counts.put(e.getKey(), new PushResult.TypeCounts(
                e.getValue().path("upserted").asInt(), e.getValue().path("deleted").asInt(), e.getValue().path("conflicts").asInt())));
        return new PushResult(List.copyOf(results), counts, serverTimeMs);
    }

    public static byte[] toJson(PushResult r) {
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode results = root.putArray("results");
        for (OpResult o : r.results()) {
            ObjectNode n = results.addObject();
            if (o.opId() != null) {
                n.put("op_id", o.opId());
            }
            n.put("type", o.type()).put("id", o.id()).put("status", o.status() == OpResult.Status.APPLIED ? "applied" : "conflict");
            if (o.version() != null) {
                n.put("version", o.version());
            }
            if (o.server() != null) {
                ObjectNode s = n.putObject("server").put("version", o.server().version()).put("deleted", o.server().deleted());
                s.set("payload", o.server().payload());
                s.put("hlc", o.server().hlc());
            }
        }
        ObjectNode counts = root.putObject("counts");
        r.counts().forEach((type, c) -> counts.putObject(type).put("upserted", c.upserted()).put("deleted", c.deleted())
                .put("conflicts", c.conflicts()));
        root.put("server_time_ms", r.serverTimeMs());
        return bytes(root);
    }

    public static byte[] toJson(PullResult r) {
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode changes = root.putArray("changes");
        for (Change c : r.changes()) {
            ObjectNode n = changes.addObject().put("type", c.type()).put("id", c.id()).put("version", c.version()).put("deleted", c.deleted());
            n.set("payload", c.payload());
            n.put("hlc", c.hlc());
        }
        root.put("cursor", r.cursor()).put("has_more", r.hasMore()).put("server_time_ms", r.serverTimeMs());
        return bytes(root);
    }

    /** The protocol's error body {@code {"error": code, "message": …}}. */
    public static byte[] error(String code, String message) {
        return bytes(MAPPER.createObjectNode().put("error", code).put("message", message));
    }

    static byte[] bytes(JsonNode n) {
        try {
            return MAPPER.writeValueAsBytes(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static SyncException bad(String message) {
        return new SyncException(SyncException.Kind.BAD_REQUEST, message);
    }

    private static String clip(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "…" : s;
    }
}
