package dev.pokepedia.corpus;

import dev.pokepedia.corpus.internal.SnapshotReader;
import java.net.http.HttpClient;
import java.util.function.Predicate;

/**
 * Reads the entries of a snapshot (folder, {@code .tar.gz} or URL) in source order, streamed, never unpacked: the
 * public way for other modules (the snapshot server, benchmarks) to read what the importer reads. Hostile entries
 * are reported to {@link Sink#problem} and never read; a broken archive raises a {@link SourceException}.
 */
public final class SnapshotFiles {

    /** Receives entries; may block (back-pressure). */
    public interface Sink {
        void entry(String path, SnapshotPath kind, byte[] bytes) throws InterruptedException;

        void problem(String path, String reason);
    }

    private SnapshotFiles() {
    }

    /** Reads every entry whose kind {@code wanted} accepts; the others are skipped without decompressing them into memory. */
    public static void read(HttpClient http, SnapshotSource source, Predicate<SnapshotPath> wanted, Sink sink) throws InterruptedException {
        new SnapshotReader(http).read(source, wanted::test, new SnapshotReader.Sink() {
            @Override
            public void entry(String path, SnapshotPath kind, byte[] bytes) throws InterruptedException {
                sink.entry(path, kind, bytes);
            }

            @Override
            public void problem(String path, String reason) {
                sink.problem(path, reason);
            }
        });
    }
}
