package dev.pokepedia.medialibrary;

/** What applying one provider state to the catalog did. */
public enum ApplyResult {
    ADDED, UPDATED, UNCHANGED,
    /** The catalog already holds a newer version: an old notification arriving late changes nothing. */
    STALE,
    DELETED,
    /** Nothing to apply: neither the catalog nor the provider knows the asset. */
    NOT_FOUND
}
