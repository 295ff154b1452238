package dev.pokepedia.sync.internal;

import dev.pokepedia.core.Database;
import dev.pokepedia.core.PokepediaException;
import dev.pokepedia.sync.SyncException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.Semaphore;
import org.postgresql.util.PSQLException;

/**
 * Runs one request's transaction as Supabase's PostgREST does: {@code SET LOCAL ROLE authenticated} and the token's
 * claims in {@code request.jwt.claims}, both transaction-local, so row-level security decides what the SQL functions
 * may see and change even though the pool's user is the owner (or a superuser, which bypasses RLS).
 */
public final class SyncSql {

    /** Work inside the user's transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private final Database db;
    private final Semaphore slots;

    /** @param maxTransactions transactions at once; the rest wait here, in order */
    public SyncSql(Database db, int maxTransactions) {
        this.db = db;
        this.slots = new Semaphore(maxTransactions, true);
    }

    public <T> T asUser(String claimsJson, Work<T> work) {
        // why a semaphore before the pool: many virtual threads waiting inside the connection pool are handed
        // connections slowly (its hand-off spins and yields); a fair queue here keeps the pool free of waiters
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PokepediaException(PokepediaException.ErrorCode.INTERNAL, "interrupted while waiting for the database", "", e);
        }
        try {
            return run(claimsJson, work);
        } finally {
            slots.release();
        }
    }

    private <T> T run(String claimsJson, Work<T> work) {
        try (Connection c = db.connection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT set_config('role', 'authenticated', true), set_config('request.jwt.claims', ?, true)")) {
                    ps.setString(1, claimsJson);
                    ps.execute();
                }
                T out = work.run(c);
                c.commit();
                return out;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException ignored) {
                    // the connection is broken; the pool discards it
                }
                throw e;
            }
        } catch (SQLException e) {
            throw map(e);
        }
    }

    /** SQLSTATEs of the sync functions (SY…) and of the constraints they rely on, as protocol errors. */
    static RuntimeException map(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String message = e instanceof PSQLException p && p.getServerErrorMessage() != null && p.getServerErrorMessage().getMessage() != null
                ? p.getServerErrorMessage().getMessage() : e.getMessage();
        SyncException.Kind kind = switch (state) {
            case "SY400", "23503", "23514", "22P02", "22023" -> SyncException.Kind.BAD_REQUEST;
            case "SY401" -> SyncException.Kind.UNAUTHORIZED;
            case "SY403", "42501", "23505" -> SyncException.Kind.FORBIDDEN;
            case "SY409" -> SyncException.Kind.DUPLICATE_OP;
            case "SY410" -> SyncException.Kind.RESYNC_REQUIRED;
            default -> null;
        };
        if (kind != null) {
            return new SyncException(kind, message);
        }
        if (state.startsWith("08") || state.startsWith("57P") || state.startsWith("53")) {
            return new PokepediaException(PokepediaException.ErrorCode.DATABASE_UNAVAILABLE, "The database is unavailable: " + message,
                    "Try again shortly", e);
        }
        return new PokepediaException(PokepediaException.ErrorCode.INTERNAL, "Sync query failed: " + message + " (SQLSTATE " + state + ")", "", e);
    }
}
