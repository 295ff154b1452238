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
    static final Map<String, String> PACKAGES = new TreeMap<>(Map.of(
            "core", "dev.pokepedia.core",
            "testkit", "dev.pokepedia.testkit",
            "corpus", "dev.pokepedia.corpus",
            "snapshot-server", "dev.pokepedia.snapshotserver",
            "media", "dev.pokepedia.media",
            "media-library", "dev.pokepedia.medialibrary",
            "queue", "dev.pokepedia.queue",
            "live", "dev.pokepedia.live",
            "server", "dev.pokepedia.server",
            "app", "dev.pokepedia.app"));

    /** Module → the modules its main code may use (docs/architecture.md, "Module dependencies"). */
    static final Map<String, Set<String>> MAY_USE = Map.of(
            "core", Set.of(),
            "testkit", Set.of("core"),
            "corpus", Set.of("core"),
            "snapshot-server", Set.of("core", "corpus"),
            "media", Set.of("core", "corpus"),
            "media-library", Set.of("core", "media"),
            "queue", Set.of("core"),
            "live", Set.of("core", "corpus", "media", "queue", "snapshot-server"),
            "server", Set.of("core", "corpus", "media", "queue", "media-library"),
            "app", Set.of("core", "corpus", "media", "queue", "snapshot-server", "live", "server", "media-library"));

    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
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
