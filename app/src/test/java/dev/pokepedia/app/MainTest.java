package dev.pokepedia.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MainTest {

    @Test
    void a_named_subcommand_builds_only_its_own_model() {
        assertThat(Main.commandLine("media", "--dry-run").getSubcommands()).containsOnlyKeys("media");
        assertThat(Main.commandLine("schedules", "run", "daily-refresh").getSubcommands().get("schedules").getSubcommands())
                .containsKeys("enable", "disable", "set", "run");
    }

    @Test
    void help_version_and_unknown_commands_see_every_subcommand() {
        for (String[] args : new String[][] {{}, {"--help"}, {"help", "media"}, {"nosuch"}}) {
            assertThat(Main.commandLine(args).getSubcommands()).as(String.join(" ", args))
                    .containsKeys("sync", "import", "media", "verify", "seed", "work", "schedules", "doctor", "selftest", "bench",
                            "serve-snapshot", "serve", "help");
        }
    }
}
