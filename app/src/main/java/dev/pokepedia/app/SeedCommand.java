package dev.pokepedia.app;

import dev.pokepedia.live.Seeder;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "seed", mixinStandardHelpOptions = true,
        description = {"Discover every document of a PokeAPI server (or snapshot) and enqueue one pokepedia_ingest message per document.",
                "Root index → each endpoint's list with ?limit=<count> → every resource, plus pokemon/<id>/encounters.",
                "A document already waiting in the queue is not enqueued twice. Then run `pokepedia work` to process them."})
final class SeedCommand extends LiveCommand {

    @Option(names = "--types", split = ",", paramLabel = "TYPE", description = "Only these endpoints, e.g. --types type,pokemon (default: all).")
    List<String> types = List.of();

    @Override
    int run(LiveSession s, GlobalOptions.Settings settings) throws Exception {
        Seeder.Report r = s.live.seed(null, new LinkedHashSet<>(types));
        if (settings.json()) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("source", r.source());
            out.put("listed", r.listed());
            out.put("enqueued", r.enqueued());
            Map<String, Map<String, Long>> per = new LinkedHashMap<>();
            r.perType().forEach((t, c) -> per.put(t, Map.of("listed", c.listed(), "enqueued", c.enqueued())));
            out.put("types", per);
            GlobalOptions.printJson(System.out, out);
        } else {
            System.out.printf("seeded from %s%n", r.source());
            System.out.printf("  %-36s %8s %9s%n", "type", "listed", "enqueued");
            r.perType().forEach((t, c) -> System.out.printf("  %-36s %8d %9d%n", t, c.listed(), c.enqueued()));
            System.out.printf("%d documents listed, %d enqueued (the rest were already waiting); queue pokepedia_ingest now holds %d%n",
                    r.listed(), r.enqueued(), s.queues.metrics("pokepedia_ingest").length());
        }
        return 0;
    }
}
