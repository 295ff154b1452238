package dev.pokepedia.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What `--help` shows: whole URLs and whole sentences. */
class HelpTextTest {

    private static final Pattern URL = Pattern.compile("(https?|s3|file)://[^\\s,)]+");

    private static List<String> everyHelp() {
        CommandLine all = Main.commandLine("help");
        List<String> out = new ArrayList<>();
        out.add(all.getUsageMessage());
        all.getSubcommands().values().forEach(c -> {
            out.add(c.getUsageMessage());
            c.getSubcommands().values().forEach(sub -> out.add(sub.getUsageMessage()));
        });
        return out;
    }

    @Test
    void no_url_is_broken_across_lines() {
        List<String> urls = new ArrayList<>();
        for (String help : everyHelp()) {
            assertThat(help).doesNotContainPattern("https?:\\s").doesNotContainPattern("https?:/\\s");
            Matcher m = URL.matcher(help);
            while (m.find()) {
                urls.add(m.group());
            }
        }
        assertThat(urls).contains("https://github.com/PokeAPI/api-data/archive/refs/heads/master.tar.gz");
        assertThat(urls).allSatisfy(u -> assertThat(u).doesNotEndWith(".").doesNotEndWith(":"));
    }

    @Test
    void every_command_in_the_list_ends_its_summary_with_a_full_stop() {
        String top = Main.commandLine("help").getUsageMessage();
        String commands = top.substring(top.indexOf("Commands:"));
        // a summary line starts at the command column; its continuation lines are indented further
        List<String> summaries = new ArrayList<>();
        StringBuilder current = null;
        for (String line : commands.lines().skip(1).toList()) {
            if (line.matches("^  \\S.*")) {
                if (current != null) {
                    summaries.add(current.toString());
                }
                current = new StringBuilder(line.strip());
            } else if (current != null) {
                current.append(' ').append(line.strip());
            }
        }
        summaries.add(current.toString());
        assertThat(summaries).hasSizeGreaterThan(10).allSatisfy(s -> assertThat(s).endsWith("."));
    }
}
