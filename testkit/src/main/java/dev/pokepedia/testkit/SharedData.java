package dev.pokepedia.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Locates {@code ../shared/data/pokeapi} beside the repository; tests that need it are skipped with a clear reason. */
public final class SharedData {

    private SharedData() {
    }

    public static Path repoRoot() {
        String prop = System.getProperty("pokepedia.repoRoot");
        Path p = prop != null ? Path.of(prop) : Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("mvnw"))) {
            p = p.getParent();
        }
        return p == null ? Path.of("").toAbsolutePath() : p;
    }

    public static Path pokeapiDir() {
        return repoRoot().resolve("../shared/data/pokeapi").normalize();
    }

    /** The named file under ../shared/data/pokeapi, or the test is skipped saying what is missing. */
    public static Path require(String file) {
        Path p = pokeapiDir().resolve(file);
        Assumptions.assumeTrue(Files.isRegularFile(p),
                "SKIPPED: needs " + p + " (the shared data folder ../shared/data/pokeapi beside the repo is missing)");
        return p;
    }
}
