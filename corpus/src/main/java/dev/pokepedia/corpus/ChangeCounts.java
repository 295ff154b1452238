package dev.pokepedia.corpus;

/** What an import did to one resource type. {@code invalid} documents were rejected and not stored. */
public record ChangeCounts(long added, long changed, long unchanged, long removed, long invalid) {

    public static final ChangeCounts ZERO = new ChangeCounts(0, 0, 0, 0, 0);

    public ChangeCounts plus(ChangeCounts o) {
        return new ChangeCounts(added + o.added, changed + o.changed, unchanged + o.unchanged, removed + o.removed, invalid + o.invalid);
    }

    /** Whether anything is (or, in a dry run, would be) written. */
    public boolean writes() {
        return added + changed + removed > 0;
    }
}
