package dev.pokepedia.syncclient;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The process {@link CrashSafetyIT} kills with SIGKILL. {@code write STORE}: saves players forever, printing
 * "saved N" after each commit. {@code push STORE URL TOKEN}: pushes the store's outbox once and prints "done".
 */
public final class CrashChild {

    public static void main(String[] args) throws Exception {
        LocalStore store = LocalStore.open(Path.of(args[1]), EntityRegistry.reference());
        if (args[0].equals("write")) {
            for (int i = 0; ; i++) {
                if (i % 10 == 9) {
                    store.bulkSave("teams", List.of(J.o("{'id':'t" + i + "a'}"), J.o("{'id':'t" + i + "b'}")));
                } else {
                    store.save("players", J.o("{'id':'p" + i + "','n':" + i + "}"));
                }
                System.out.println("saved " + i);
                System.out.flush();
            }
        }
        SyncConfig cfg = SyncConfig.defaults(URI.create(args[2]), () -> args[3]).withAutoSync(false)
                .withRetry(new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(50)));
        try (SyncClient c = SyncClient.create(store, cfg)) {
            SyncResult r = c.sync();
            System.out.println("done " + r);
        }
    }
}
