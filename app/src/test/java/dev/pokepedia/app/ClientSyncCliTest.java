package dev.pokepedia.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pokepedia.syncclient.TestSyncServer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two client stores through the CLI against the in-memory /sync/v1 server: offline edits, sync, a manual conflict. */
class ClientSyncCliTest {

    @TempDir
    Path dir;

    final TestSyncServer server = TestSyncServer.start("cli-token");

    @AfterEach
    void stop() {
        server.close();
    }

    CliRun on(String store, String... args) {
        String[] head = {"client", "--store", dir.resolve(store).toString(), "--server", server.uri().toString(), "--token", "cli-token",
            "--strategy", "manual"};
        String[] all = new String[head.length + args.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(args, 0, all, head.length, args.length);
        return CliRun.run(all);
    }

    @Test
    void two_devices_edit_offline_sync_and_resolve_a_conflict() {
        assertThat(on("a.db", "save", "players", "{\"id\":\"p1\",\"name\":\"Ash\"}").out()).contains("pushed 1");
        assertThat(on("b.db", "sync").out()).contains("pulled 1");
        assertThat(on("a.db", "--offline", "save", "players", "{\"id\":\"p1\",\"name\":\"Ash (A)\"}").exit()).isZero();
        assertThat(on("b.db", "--offline", "save", "players", "{\"id\":\"p1\",\"name\":\"Ash (B)\"}").exit()).isZero();
        assertThat(on("a.db", "sync").out()).contains("pushed 1");
        assertThat(on("b.db", "sync").out()).contains("conflicts 1");
        assertThat(on("b.db", "conflicts").out()).contains("\"local\":{\"id\":\"p1\",\"name\":\"Ash (B)\"}")
                .contains("\"server\":{\"id\":\"p1\",\"name\":\"Ash (A)\"}");
        assertThat(on("b.db", "resolve", "players", "p1", "--payload", "{\"id\":\"p1\",\"name\":\"Ash (A+B)\"}").out()).contains("pushed 1");
        assertThat(on("a.db", "sync").out()).contains("pulled 1");
        String a = on("a.db", "list", "players", "--json").out().trim();
        String b = on("b.db", "list", "players", "--json").out().trim();
        assertThat(a).isEqualTo(b).isEqualTo("[{\"id\":\"p1\",\"name\":\"Ash (A+B)\"}]");
        assertThat(server.row("players", "p1").payload().get("name").asText()).isEqualTo("Ash (A+B)");
        assertThat(on("a.db", "verify").exit()).isZero();
    }

    @Test
    void a_wrong_token_and_an_unreachable_server_are_clear_exit_codes() {
        CliRun bad = CliRun.run("client", "--store", dir.resolve("a.db").toString(), "--server", server.uri().toString(), "--token", "nope", "sync");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.out()).contains("refused the token");
        CliRun down = CliRun.run("client", "--store", dir.resolve("a.db").toString(), "--server", "http://127.0.0.1:1", "--token", "t", "sync");
        assertThat(down.exit()).isEqualTo(3);
        assertThat(down.out()).contains("server unreachable");
    }

    @Test
    void a_sync_whose_operations_the_server_refuses_exits_non_zero_naming_them() {
        server.forgetType("personnel");
        assertThat(on("a.db", "--offline", "save", "personnel", "{\"id\":\"c1\",\"name\":\"Coach\"}").exit()).isZero();
        CliRun r = on("a.db", "sync");
        assertThat(r.out()).contains("failed 1").contains("failed: upsert personnel c1 (attempt 1, kept for a retry)")
                .contains("unknown entity type 'personnel'");
        assertThat(r.exit()).isEqualTo(5);
    }
}
