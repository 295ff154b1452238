package dev.pokepedia.corpus;

/** Something in the source that was skipped or rejected: where, and what is wrong with it. */
public record Problem(String where, String what) {
    @Override
    public String toString() {
        return where + ": " + what;
    }
}
