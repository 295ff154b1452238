package dev.pokepedia.app;

import dev.pokepedia.core.PokepediaException;
import dev.pokepedia.corpus.CorpusVerifier;
import dev.pokepedia.corpus.VerifyReport;
import dev.pokepedia.media.MediaVerifier;
import dev.pokepedia.media.ObjectStore;
import dev.pokepedia.media.ObjectStores;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Check the mirror; exits non-zero when any check fails.",
                "Stored counts vs the source's lists, every /api/v2 reference resolves, projections match, and every sprite/cry "
                        + "path of pokepedia_pokemon is stored or listed missing."})
final class VerifyCommand implements Callable<Integer> {

    @Mixin
    GlobalOptions global;

    @Option(names = "--deep", description = "Also re-hash every stored object in storage; mismatches are listed and marked for re-mirroring.")
    boolean deep;

    @Option(names = "--storage", paramLabel = "URL", description = "Storage to check with --deep (default: $STORAGE_URL, else <data-dir>/storage).")
    String storage;

    @Override
    public Integer call() throws Exception {
        var settings = global.settings();
        try (var opened = settings.openDatabase()) {
            if (!runChecks(opened, settings, storage, deep)) {
                throw new PokepediaException(PokepediaException.ErrorCode.VERIFICATION_FAILED, "verification failed",
                        "Re-import the snapshot (it repairs missing rows and projections) and rerun 'pokepedia media'; the ✗ lines above say what is wrong", null);
            }
            return 0;
        }
    }

    /** Prints the checklist; true when every check passed. */
    static boolean runChecks(GlobalOptions.Opened opened, GlobalOptions.Settings settings, String storage, boolean deep) throws Exception {
        VerifyReport corpus = new CorpusVerifier(opened.db()).verify();
        List<VerifyReport.Check> checks = new ArrayList<>(corpus.checks());
        try (ObjectStore store = deep ? ObjectStores.open(storage, settings.dataDir(), settings.env()) : null) {
            checks.addAll(new MediaVerifier(opened.db()).verify(store));
        }
        VerifyReport all = new VerifyReport(checks, corpus.dangling(), corpus.referencesChecked());
        if (settings.json()) {
            GlobalOptions.printJson(System.out, all);
        } else {
            for (VerifyReport.Check c : all.checks()) {
                System.out.printf("%s %-15s %s%n", c.ok() ? "✓" : "✗", c.name(), c.detail());
            }
            for (VerifyReport.DanglingGroup g : all.dangling()) {
                System.out.printf("  dangling → %s: %d references to %d missing documents, e.g.%n", g.targetType(), g.references(), g.distinctTargets());
                g.examples().forEach(e -> System.out.println("      " + e));
            }
        }
        return all.ok();
    }
}
