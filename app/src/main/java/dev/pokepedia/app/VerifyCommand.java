package dev.pokepedia.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pokepedia.core.PokepediaException;
import dev.pokepedia.corpus.CorpusVerifier;
import dev.pokepedia.corpus.VerifyReport;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Check the mirror: stored counts vs the source's lists, every /api/v2 reference resolves, projections match.",
                "Exits non-zero when any check fails."})
final class VerifyCommand implements Callable<Integer> {

    @Mixin
    GlobalOptions global;

    @Override
    public Integer call() throws Exception {
        var settings = global.settings();
        try (var opened = settings.openDatabase()) {
            VerifyReport report = new CorpusVerifier(opened.db()).verify();
            if (settings.json()) {
                System.out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(report));
            } else {
                for (VerifyReport.Check c : report.checks()) {
                    System.out.printf("%s %-12s %s%n", c.ok() ? "✓" : "✗", c.name(), c.detail());
                }
                for (VerifyReport.DanglingGroup g : report.dangling()) {
                    System.out.printf("  dangling → %s: %d references to %d missing documents, e.g.%n", g.targetType(),
                            g.references(), g.distinctTargets());
                    g.examples().forEach(e -> System.out.println("      " + e));
                }
            }
            if (!report.ok()) {
                throw new PokepediaException(PokepediaException.ErrorCode.VERIFICATION_FAILED, "verification failed",
                        "Re-import the snapshot (it repairs missing rows and projections); dangling references listed above name the documents", null);
            }
            return 0;
        }
    }
}
