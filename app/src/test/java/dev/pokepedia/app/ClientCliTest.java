package dev.pokepedia.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pokepedia client} offline: save, list, delete, status, backup, restore, verify on a real store file. */
class ClientCliTest {

    @TempDir
    Path dir;

    CliRun client(String... args) {
        String[] all = new String[args.length + 4];
        all[0] = "client";
        all[1] = "--store";
        all[2] = dir.resolve("store.db").toString();
        all[3] = "--offline";
        System.arraycopy(args, 0, all, 4, args.length);
        return CliRun.run(all);
    }

    @Test
    void saves_lists_deletes_backs_up_restores_and_verifies_offline() throws Exception {
        assertThat(client("save", "players", "{\"id\":\"p1\",\"name\":\"Ash\"}").exit()).isZero();
        assertThat(client("save", "players", "{\"id\":\"p2\",\"name\":\"Misty\"}").out()).contains("queued (offline): 2");
        assertThat(client("list", "players", "--json").out().trim())
                .isEqualTo("[{\"id\":\"p1\",\"name\":\"Ash\"},{\"id\":\"p2\",\"name\":\"Misty\"}]");
        Path backup = dir.resolve("b.pkbackup");
        assertThat(client("backup", "--to", backup.toString()).out()).contains("2 entities");
        assertThat(client("delete", "players", "p1").exit()).isZero();
        assertThat(client("list", "players", "--json").out().trim()).isEqualTo("[{\"id\":\"p2\",\"name\":\"Misty\"}]");
        assertThat(client("restore", backup.toString()).out()).contains("restored 2 entities");
        assertThat(client("list", "players", "--json").out()).contains("\"p1\"");
        CliRun status = client("--json", "status");
        assertThat(status.out()).contains("\"players\":2").contains("\"pending\":2");
        assertThat(client("verify").exit()).isZero();
    }

    @Test
    void bad_input_and_a_damaged_backup_are_clear_errors_with_exit_codes() throws Exception {
        assertThat(client("save", "players", "{not json").exit()).isEqualTo(2);
        assertThat(client("save", "pokemons", "{\"id\":\"x\"}").exit()).isEqualTo(2);
        Path bad = Files.writeString(dir.resolve("bad.pkbackup"), "{\"format\":\"pokepedia-sync-backup\",\"schema_version\":1,\"body_bytes\":10,\"sha256\":\"00\"}\nabc");
        assertThat(client("restore", bad.toString()).exit()).isEqualTo(4);
        Path junk = Files.writeString(dir.resolve("junk.db"), "x".repeat(4096));
        assertThat(CliRun.run("client", "--store", junk.toString(), "list", "players").exit()).isEqualTo(6);
        assertThat(CliRun.run("client", "--store", dir.resolve("s2.db").toString(), "sync").exit()).as("no server given").isEqualTo(2);
    }
}
