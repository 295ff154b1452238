package dev.pokepedia.app;

import dev.pokepedia.media.AssetKind;
import dev.pokepedia.media.MirrorEngine;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** The media mirror's progress for {@link ProgressView}: one part per kind, in files, with MB/s beside. */
final class MirrorProgressText {

    private MirrorProgressText() {
    }

    /** One bar per kind; {@code progress} is read on every tick (the engine fills it once its run starts). */
    static List<ProgressView.Part> parts(Collection<AssetKind> kinds, Map<AssetKind, MirrorEngine.Progress> progress, Supplier<Duration> elapsed) {
        return kinds.stream().sorted(Comparator.comparing(AssetKind::sql)).map(k -> new ProgressView.Part(plural(k.sql()), " files", 1,
                () -> snapshot(progress.get(k), elapsed.get()))).toList();
    }

    static ProgressView.Snapshot snapshot(MirrorEngine.Progress p, Duration elapsed) {
        if (p == null) {
            return new ProgressView.Snapshot(0, -1, "");
        }
        double secs = Math.max(1e-3, elapsed.toMillis() / 1000.0);
        String status = String.format("%.1f MB/s", p.bytes.get() / 1e6 / secs);
        double f = p.fraction();
        if (p.streamed() && f > 0) {
            // why: an archive is asked for every referenced asset and reports those it lacks only at its end, so its
            // file count has no useful total; the share of the archive read gives the time left instead
            status += String.format(", archive %.0f%% read, ETA %s", 100 * f, ProgressView.clock(Math.round(secs * (1 - f) / f)));
        }
        long total = !p.streamed() && p.total.get() > 0 ? p.total.get() : -1;
        return new ProgressView.Snapshot(p.done.get(), total, status);
    }

    static String plural(String kind) {
        return kind.endsWith("y") ? kind.substring(0, kind.length() - 1) + "ies" : kind + "s";
    }
}
