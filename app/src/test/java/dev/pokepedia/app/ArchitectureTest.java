package dev.pokepedia.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module boundaries of docs/architecture.md, checked over the main classes of every module (the app module sees
 * them all): no module uses another module's {@code internal} package, and each module depends only on the modules
 * below its floor. Tests may reach into internals; they are not imported here.
 */
class ArchitectureTest {

    /** Module → its root package. */
    static final Map<String, String> PACKAGES = new TreeMap<>(Map.ofEntries(
            Map.entry("core", "dev.pokepedia.core"),
            Map.entry("testkit", "dev.pokepedia.testkit"),
            Map.entry("corpus", "dev.pokepedia.corpus"),
            Map.entry("snapshot-server", "dev.pokepedia.snapshotserver"),
            Map.entry("media", "dev.pokepedia.media"),
            Map.entry("media-library", "dev.pokepedia.medialibrary"),
            Map.entry("queue", "dev.pokepedia.queue"),
            Map.entry("live", "dev.pokepedia.live"),
            Map.entry("sync", "dev.pokepedia.sync"),
            Map.entry("sync-client", "dev.pokepedia.syncclient"),
            Map.entry("server", "dev.pokepedia.server"),
            Map.entry("app", "dev.pokepedia.app")));

    /** Module → the modules its main code may use (docs/architecture.md, "Module dependencies"). */
    static final Map<String, Set<String>> MAY_USE = Map.ofEntries(
            Map.entry("core", Set.of()),
            Map.entry("testkit", Set.of("core")),
            Map.entry("corpus", Set.of("core")),
            Map.entry("snapshot-server", Set.of("core", "corpus")),
            Map.entry("media", Set.of("core", "corpus")),
            Map.entry("media-library", Set.of("core", "media", "queue")),
            Map.entry("queue", Set.of("core")),
            Map.entry("live", Set.of("core", "corpus", "media", "queue", "snapshot-server")),
            Map.entry("sync", Set.of("core")),
            // why nothing of ours: an app embeds the client; it brings sqlite-jdbc, Jackson and java.net.http only
            Map.entry("sync-client", Set.of()),
            Map.entry("server", Set.of("core", "corpus", "media", "queue", "media-library", "sync")),
            Map.entry("app", Set.of("core", "corpus", "media", "queue", "snapshot-server", "live", "server", "media-library", "sync",
                    "sync-client")));

    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                // why: sync-client's test classes reach app as a test-jar, which the predefined option does not know
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages("dev.pokepedia");
    }

    @Test
    void no_module_uses_another_modules_internal_package() {
        for (var module : PACKAGES.entrySet()) {
            String root = module.getValue();
            noClasses().that().resideOutsideOfPackage(root + "..")
                    .should().dependOnClassesThat().resideInAPackage(root + ".internal..")
                    .as("only " + module.getKey() + " itself uses " + root + ".internal")
                    .because("a module's internal package is not its API; add what others need to " + root)
                    .check(classes);
        }
    }

    @Test
    void every_module_depends_only_on_the_modules_below_its_floor() {
        for (var module : PACKAGES.entrySet()) {
            List<String> forbidden = PACKAGES.entrySet().stream()
                    .filter(other -> !other.getKey().equals(module.getKey()) && !MAY_USE.get(module.getKey()).contains(other.getKey()))
                    .map(other -> other.getValue() + "..").toList();
            noClasses().that().resideInAPackage(module.getValue() + "..")
                    .should().dependOnClassesThat().resideInAnyPackage(forbidden.toArray(String[]::new))
                    .as(module.getKey() + " uses only " + MAY_USE.get(module.getKey()))
                    .because("docs/architecture.md fixes which module may use which")
                    .check(classes);
        }
    }
}
