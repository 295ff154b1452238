package dev.pokepedia.media;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Writes outcome batches to the manifest on one background thread, in order, so transfers never wait for the
 * database; {@link #drain} waits for everything submitted and rethrows a recording failure.
 */
final class OutcomeRecorder {

    private final AssetManifest manifest;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "mirror-recorder");
        t.setDaemon(true);
        return t;
    });
    private final List<Future<?>> submitted = Collections.synchronizedList(new ArrayList<>());

    OutcomeRecorder(AssetManifest manifest) {
        this.manifest = manifest;
    }

    void submit(List<AssetManifest.Outcome> batch) {
        if (!batch.isEmpty()) {
            submitted.add(writer.submit(() -> manifest.record(batch)));
        }
    }

    void drain() {
        try {
            for (Future<?> f : List.copyOf(submitted)) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } finally {
            writer.shutdown();
        }
    }
}
