package dev.pokepedia.app;

import dev.pokepedia.media.MirrorEngine;
import java.time.Duration;
import java.util.Map;

/** The media mirror's progress for {@link ProgressView}: per kind its share, files, files/s, MB/s and time left. */
final class MirrorProgressText {

    private MirrorProgressText() {
    }

    static ProgressView.Snapshot snapshot(Map<String, MirrorEngine.Progress> kinds, Duration elapsed) {
        long done = 0;
        long total = 0;
        boolean totalKnown = true;
        StringBuilder text = new StringBuilder();
        for (var e : kinds.entrySet()) {
            MirrorEngine.Progress p = e.getValue();
            done += p.done.get();
            total += p.total.get();
            // why: an archive's files-due count includes the assets it will report missing only at its end
            totalKnown &= !p.streamed() && p.total.get() > 0;
            text.append(text.isEmpty() ? "" : " | ").append(kind(e.getKey(), p, elapsed));
        }
        return new ProgressView.Snapshot(done, totalKnown ? total : -1, text.toString());
    }

    static String kind(String kind, MirrorEngine.Progress p, Duration elapsed) {
        double secs = Math.max(1e-3, elapsed.toMillis() / 1000.0);
        double f = p.fraction();
        StringBuilder s = new StringBuilder(plural(kind));
        if (f >= 0) {
            s.append(String.format(" %.0f%%", 100 * f));
        }
        s.append(String.format(" %d files %.0f/s %.1f MB/s", p.done.get(), p.done.get() / secs, p.bytes.get() / 1e6 / secs));
        if (f > 0) {
            long left = Math.round(secs * (1 - f) / f);
            s.append(String.format(" ETA %d:%02d", left / 60, left % 60));
        }
        return s.toString();
    }

    private static String plural(String kind) {
        return kind.endsWith("y") ? kind.substring(0, kind.length() - 1) + "ies" : kind + "s";
    }
}
