package dev.pokepedia.app;

import dev.pokepedia.core.PokepediaException;
import dev.pokepedia.corpus.ImportOptions;
import dev.pokepedia.corpus.SnapshotSource;
import dev.pokepedia.live.schedule.Scheduler;
import dev.pokepedia.media.MirrorReport;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "sync", mixinStandardHelpOptions = true,
        description = {"The whole pipeline: import the snapshot → rebuild projections → mirror sprites and cries (side by side) → verify.",
                "Resumes where a killed run stopped: stored documents and assets are skipped."})
final class SyncCommand implements Callable<Integer> {

    enum Only { data, media }

    @Mixin
    GlobalOptions global;

    @Option(names = "--source", paramLabel = "FOLDER|FILE.tar.gz|URL", defaultValue = SnapshotSource.UPSTREAM,
            description = "api-data snapshot. Default:%n${DEFAULT-VALUE}")
    String source;

    @Option(names = "--only", description = "Run only one half: ${COMPLETION-CANDIDATES}.")
    Only only;

    @Option(names = "--dry-run", description = "Report the change set and what would be transferred (files, bytes); write nothing.")
    boolean dryRun;

    @Mixin
    RemovalOptions removal;

    @ArgGroup(exclusive = false)
    MediaCommand.MediaOptions media = new MediaCommand.MediaOptions();

    @Override
    public Integer call() throws Exception {
        var settings = global.settings();
        try (var opened = settings.openDatabase()) {
            if (only != Only.media) {
                System.out.println("== data: " + source);
                ImportCommand.run(opened, settings,
                        removal.applyTo(ImportOptions.of(SnapshotSource.parse(source)).withDryRun(dryRun)));
            }
            MirrorReport mirror = null;
            if (only != Only.data) {
                System.out.println("== media");
                mirror = MediaCommand.run(opened, settings, media, dryRun, System.out);
            }
            if (dryRun) {
                return 0;
            }
            // why: the schedules keep this mirror fresh once `work` or `serve` runs; creating them here means `doctor`
            // passes right after the README's first command instead of reporting them missing
            new Scheduler(opened.db(), Clock.systemUTC(), Map.of()).ensureDefaults();
            System.out.println("== verify");
            boolean ok = VerifyCommand.runChecks(opened, settings, media.storage, false);
            if (!ok) {
                throw new PokepediaException(PokepediaException.ErrorCode.VERIFICATION_FAILED, "verification failed after sync",
                        "See the ✗ lines above; rerun sync to finish interrupted work", null);
            }
            if (mirror != null && mirror.totalFailed() > 0) {
                throw new PokepediaException(PokepediaException.ErrorCode.BAD_SOURCE, mirror.totalFailed() + " assets failed (listed above)",
                        "Rerun sync: stored assets are skipped and failed ones are tried again", null);
            }
            return 0;
        }
    }
}
