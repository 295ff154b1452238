package dev.pokepedia.core;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Gives the planner statistics of a table that autovacuum has not (yet) analyzed: after a bulk write, before the
 * queries that depend on them, and on servers where autovacuum is off.
 */
public final class PlannerStatistics {

    /** What makes statistics stale besides never having any. */
    public enum Drift {
        /** More than 1000 rows plus a tenth were inserted, updated or deleted since the last analyze. */
        ROWS_MODIFIED("coalesce(s.n_mod_since_analyze, 0)"),
        /** The row count moved by more than 1000 plus a tenth (updates alone never count). */
        ROW_COUNT("abs(coalesce(s.n_live_tup, 0) - c.reltuples)");

        private final String measure;

        Drift(String measure) {
            this.measure = measure;
        }
    }

    private PlannerStatistics() {
    }

    /** Analyzes {@code columns} of {@code table} (both trusted names) when it has no statistics or they drifted. */
    public static void refreshIfStale(Statement st, String table, String columns, Drift drift) throws SQLException {
        boolean stale;
        try (ResultSet rs = st.executeQuery("SELECT c.reltuples < 0 OR " + drift.measure + " > 1000 + c.reltuples / 10"
                + " FROM pg_class c LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid WHERE c.oid = '" + table + "'::regclass")) {
            stale = rs.next() && rs.getBoolean(1);
        }
        if (stale) {
            st.execute("ANALYZE " + table + " (" + columns + ")");
        }
    }
}
