package dev.pokepedia.syncclient;

/** How a conflict between a local change and the server's row is resolved, per entity type. */
public enum ConflictStrategy {
    /** Keep the local change and push it again, based on the server's version. */
    LOCAL_WINS,
    /** Take the server's row; the local change is dropped. */
    REMOTE_WINS,
    /** The side with the later hybrid-logical-clock stamp wins. */
    NEWEST_WINS,
    /** Keep both; the app lists and resolves them ({@link LocalStore#conflicts()}, {@link SyncClient#resolve}). */
    MANUAL,
    /** 3-way merge against the last synced payload: one-sided field changes are both kept; same field → the tie strategy. */
    MERGE;

    public static ConflictStrategy parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw SyncClientException.badInput("unknown conflict strategy '" + s
                    + "' (use local-wins, remote-wins, newest-wins, manual or merge)");
        }
    }

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
