package dev.pokepedia.sync;

/**
 * What the admin dashboard shows about sync.
 *
 * @param clientsSeen      distinct client installs that pushed in the last 24 hours (all processes)
 * @param opsLastMinute    operations answered in the last minute (all processes)
 * @param opsLastHour      operations answered in the last hour (all processes)
 * @param conflicts        conflicts answered by this process since it started
 * @param errors           refused or failed requests of this process since it started
 * @param pushes           pushes of this process since it started
 * @param listeners        open event streams on this process
 */
public record SyncStats(long clientsSeen, long opsLastMinute, long opsLastHour, long conflicts, long errors, long pushes,
                        int listeners) {}
