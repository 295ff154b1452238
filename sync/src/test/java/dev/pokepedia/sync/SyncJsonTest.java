package dev.pokepedia.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SyncJsonTest {

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static void refused(String body, String... inMessage) {
        assertThatThrownBy(() -> SyncJson.parsePush(b(body), 1000)).isInstanceOfSatisfying(SyncException.class, e -> {
            assertThat(e.kind()).isEqualTo(SyncException.Kind.BAD_REQUEST);
            assertThat(e.getMessage()).contains(inMessage);
        });
    }

    @Test
    void parses_the_protocols_push_body() {
        PushRequest r = SyncJson.parsePush(b("""
                {"client_id":"c-1","ops":[
                  {"op_id":17,"type":"players","id":"p-1","kind":"upsert","base_version":0,"payload":{"id":"p-1","name":"Ash"},
                   "hlc":"0001733580000000:0003:c-1"},
                  {"op_id":18,"type":"teams","id":"t-1","kind":"delete","base_version":120}]}"""), 1000);
        assertThat(r.clientId()).isEqualTo("c-1");
        assertThat(r.ops()).hasSize(2);
        assertThat(r.ops().get(0).payload().get("name").asText()).isEqualTo("Ash");
        assertThat(r.ops().get(0).hlc()).isEqualTo("0001733580000000:0003:c-1");
        assertThat(r.ops().get(1)).isEqualTo(Operation.delete(18, "teams", "t-1", 120));
    }

    @Test
    void refuses_malformed_bodies_naming_the_field() {
        refused("{", "not valid JSON", "line 1");
        refused("[]", "JSON object");
        refused("{\"ops\":[]}", "client_id");
        refused("{\"client_id\":\"c\"}", "ops must be an array");
        refused("{\"client_id\":\"c\",\"ops\":[1]}", "ops[0] must be a JSON object");
        refused("{\"client_id\":\"c\",\"ops\":[{\"op_id\":-1,\"type\":\"players\",\"id\":\"x\",\"kind\":\"upsert\",\"base_version\":0,\"payload\":{}}]}",
                "ops[0].op_id");
        refused("{\"client_id\":\"c\",\"ops\":[{\"op_id\":1.5,\"type\":\"players\",\"id\":\"x\",\"kind\":\"upsert\",\"base_version\":0,\"payload\":{}}]}",
                "ops[0].op_id");
        refused("{\"client_id\":\"c\",\"ops\":[{\"op_id\":1,\"type\":\"players\",\"id\":\"\",\"kind\":\"upsert\",\"base_version\":0,\"payload\":{}}]}",
                "ops[0].id");
        refused("{\"client_id\":\"c\",\"ops\":[{\"op_id\":1,\"type\":\"players\",\"id\":\"x\",\"kind\":\"upsert\",\"base_version\":0}]}",
                "ops[0].payload");
        refused("{\"client_id\":\"c\",\"ops\":[{\"op_id\":1,\"type\":\"players\",\"id\":\"x\",\"kind\":\"patch\",\"base_version\":0}]}",
                "ops[0].kind", "patch");
        refused("{\"client_id\":\"c\",\"ops\":[{\"op_id\":1,\"type\":\"players\",\"id\":\"x\",\"kind\":\"delete\",\"base_version\":\"3\"}]}",
                "ops[0].base_version");
    }

    @Test
    void refuses_more_operations_than_the_limit() {
        assertThatThrownBy(() -> SyncJson.parsePush(b("{\"client_id\":\"c\",\"ops\":[" + String.join(",", java.util.Collections.nCopies(3,
                "{\"op_id\":1,\"type\":\"t\",\"id\":\"x\",\"kind\":\"delete\",\"base_version\":0}")) + "]}"), 2))
                .hasMessageContaining("at most 2");
    }

    @Test
    void writes_answers_in_the_protocols_shape() throws Exception {
        PushResult r = new PushResult(List.of(new OpResult(17L, "players", "p-1", OpResult.Status.APPLIED, 123L, null),
                new OpResult(18L, "teams", "t-1", OpResult.Status.CONFLICT, null, new OpResult.ServerRow(120, false,
                        SyncJson.mapper().readTree("{\"id\":\"t-1\"}"), "h"))),
                Map.of("players", new PushResult.TypeCounts(1, 0, 0)), 1733580000000L);
        var json = SyncJson.mapper().readTree(SyncJson.toJson(r));
        assertThat(json.at("/results/0/status").asText()).isEqualTo("applied");
        assertThat(json.at("/results/0/version").asLong()).isEqualTo(123);
        assertThat(json.at("/results/1/server/version").asLong()).isEqualTo(120);
        assertThat(json.at("/results/1").has("version")).isFalse();
        assertThat(json.at("/counts/players/upserted").asInt()).isEqualTo(1);
        assertThat(json.path("server_time_ms").asLong()).isEqualTo(1733580000000L);
        var pull = SyncJson.mapper().readTree(SyncJson.toJson(new PullResult(List.of(new Change("players", "p", 5, true, null, null)), "5", false, 1)));
        assertThat(pull.at("/changes/0/deleted").asBoolean()).isTrue();
        assertThat(pull.at("/changes/0/payload").isNull()).isTrue();
        assertThat(pull.path("cursor").asText()).isEqualTo("5");
        assertThat(pull.path("has_more").asBoolean()).isFalse();
    }
}
