package dev.pokepedia.syncclient;

import java.util.List;

/** What {@link LocalStore#verifyIntegrity()} found: healthy when there are no issues. */
public record IntegrityReport(boolean healthy, List<String> issues, int entitiesChecked) {
}
