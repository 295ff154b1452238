package dev.pokepedia.medialibrary;

import java.util.List;

/**
 * The outcome of one reconcile call.
 *
 * @param runId    the run (null for a dry run); a resumed run keeps its id
 * @param complete the whole listing was read (only then are missing assets tombstoned)
 * @param resumed  this call continued a run that had stopped
 * @param diff     for a dry run, every change it would make; otherwise empty
 * @param error    why the run stopped early, or null
 */
public record ReconcileReport(Long runId, boolean complete, boolean resumed, int pages, long seen, long added,
        long updated, long unchanged, long deleted, List<DiffEntry> diff, String error) {

    /** One change a reconcile makes (or, dry, would make). */
    public record DiffEntry(Change change, ResourceType type, String publicId) {
    }

    public enum Change { ADD, UPDATE, DELETE }

    public ReconcileReport {
        diff = List.copyOf(diff);
    }

    public boolean nothingToDo() {
        return added == 0 && updated == 0 && deleted == 0;
    }
}
