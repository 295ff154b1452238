package dev.pokepedia.corpus;

import java.util.List;

/** The outcome of {@link CorpusVerifier}: every check with its verdict, and dangling references grouped by target. */
public record VerifyReport(List<Check> checks, List<DanglingGroup> dangling, long referencesChecked) {

    /** One line of the checklist. */
    public record Check(String name, boolean ok, String detail) {}

    /** References to one endpoint that resolve to no stored document. {@code examples}: "ref ← referencing doc". */
    public record DanglingGroup(String targetType, long references, long distinctTargets, List<String> examples) {}

    public boolean ok() {
        return checks.stream().allMatch(Check::ok);
    }
}
