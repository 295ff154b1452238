package dev.pokepedia.syncclient.internal;

import dev.pokepedia.syncclient.SyncClientException;
import dev.pokepedia.syncclient.SyncClientException.ErrorCode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * One SQLite connection to the store file, used by one thread at a time.
 *
 * <p>why one connection: SQLite serialises writers anyway, and a single connection makes every read see the last
 * write of this process; other processes (a second app instance, a backup tool) are handled by {@code busy_timeout}
 * plus the retry loop here.
 */
public final class Db implements AutoCloseable {

    /** A unit of work on the connection. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private final Path file;
    private final Connection conn;
    private final Duration lockTimeout;
    private final ReentrantLock lock = new ReentrantLock();

    private Db(Path file, Connection conn, Duration lockTimeout) {
        this.file = file;
        this.conn = conn;
        this.lockTimeout = lockTimeout;
    }

    /** Opens (creating if missing) the file with WAL and {@code synchronous=FULL}. */
    public static Db open(Path file, Duration lockTimeout) {
        Connection c;
        try {
            c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        } catch (SQLException e) {
            throw translate(file, e, "opening");
        }
        Db db = new Db(file, c, lockTimeout);
        try {
            db.withRetry("configuring", conn -> {
                try (Statement s = conn.createStatement()) {
                    // why: the first page read happens here, so a file that is not SQLite fails with NOTADB now
                    s.execute("PRAGMA busy_timeout = 250");
                    s.execute("PRAGMA journal_mode = WAL");
                    // why FULL: in WAL mode NORMAL survives an app crash but may drop the last commits on power loss;
                    // an acknowledged edit and its outbox op must survive both, and FULL costs one fsync per commit
                    // (bulk writes share one transaction).
                    s.execute("PRAGMA synchronous = FULL");
                    s.execute("PRAGMA foreign_keys = ON");
                }
                return null;
            });
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        return db;
    }

    public Path file() {
        return file;
    }

    /** Runs work in one durable write transaction ({@code BEGIN IMMEDIATE}, fsync at commit), retrying SQLITE_BUSY. */
    public <T> T tx(String what, Work<T> work) {
        return transaction(what, work, false);
    }

    /**
     * A write transaction whose commit is not fsynced ({@code synchronous=NORMAL}): still atomic, and never lost on
     * an app crash, but a power loss may roll back the last few of them (never half of one).
     *
     * <p>why: for the engine's bookkeeping (ops marked syncing, push answers, pulled pages with their cursor),
     * everything such a commit records can be had again from the server (op ids make a resend answer the same), so
     * only the app's own edits pay an fsync. The next durable commit makes these durable too (same WAL).
     */
    public <T> T txRelaxed(String what, Work<T> work) {
        return transaction(what, work, true);
    }

    private <T> T transaction(String what, Work<T> work, boolean relaxed) {
        return withRetry(what, c -> {
            try (Statement s = c.createStatement()) {
                s.execute(relaxed ? "PRAGMA synchronous = NORMAL" : "PRAGMA synchronous = FULL");
                s.execute("BEGIN IMMEDIATE");
            }
            boolean ok = false;
            try {
                T result = work.run(c);
                try (Statement s = c.createStatement()) {
                    s.execute("COMMIT");
                }
                ok = true;
                return result;
            } finally {
                if (!ok) {
                    try (Statement s = c.createStatement()) {
                        s.execute("ROLLBACK");
                    } catch (SQLException ignored) {
                        // why: the transaction may already be gone (SQLite rolls back on some errors itself)
                    }
                }
            }
        });
    }

    /** Runs read-only work (auto-commit), retrying SQLITE_BUSY. */
    public <T> T read(String what, Work<T> work) {
        return withRetry(what, work);
    }

    private <T> T withRetry(String what, Work<T> work) {
        long deadline = System.nanoTime() + lockTimeout.toNanos();
        long backoffMs = 5;
        lock.lock();
        try {
            while (true) {
                try {
                    return work.run(conn);
                } catch (SQLException e) {
                    if (!isBusy(e) || System.nanoTime() > deadline) {
                        throw translate(file, e, what);
                    }
                }
                // why: full jitter, so two processes contending for the file do not retry in lock step
                sleepQuietly(ThreadLocalRandom.current().nextLong(1, backoffMs + 1));
                backoffMs = Math.min(backoffMs * 2, 200);
            }
        } finally {
            lock.unlock();
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SyncClientException(ErrorCode.IO, "interrupted while waiting for the store lock", "", e);
        }
    }

    static boolean isBusy(SQLException e) {
        if (e instanceof SQLiteException se) {
            int primary = se.getResultCode().code & 0xff;
            return primary == SQLiteErrorCode.SQLITE_BUSY.code || primary == SQLiteErrorCode.SQLITE_LOCKED.code;
        }
        return false;
    }

    /** Maps an SQLite failure to a typed error naming the file. */
    public static SyncClientException translate(Path file, SQLException e, String what) {
        if (isBusy(e)) {
            return new SyncClientException(ErrorCode.STORE_LOCKED, "store " + file + " is locked by another connection ("
                    + what + " gave up waiting): " + e.getMessage(),
                    "close the other program using this file, or raise the lock timeout", e);
        }
        if (e instanceof SQLiteException se) {
            int primary = se.getResultCode().code & 0xff;
            if (primary == SQLiteErrorCode.SQLITE_NOTADB.code || primary == SQLiteErrorCode.SQLITE_CORRUPT.code) {
                return new SyncClientException(ErrorCode.STORE_CORRUPT, "store " + file + " is not a valid SQLite database or is damaged ("
                        + what + "): " + e.getMessage(), "restore it from a backup (restoreBackup) or move it away to start empty", e);
            }
            if (primary == SQLiteErrorCode.SQLITE_FULL.code || primary == SQLiteErrorCode.SQLITE_IOERR.code
                    || primary == SQLiteErrorCode.SQLITE_CANTOPEN.code || primary == SQLiteErrorCode.SQLITE_READONLY.code) {
                return new SyncClientException(ErrorCode.IO, "store " + file + ": " + what + " failed: " + e.getMessage(),
                        "check free disk space and permissions of the folder", e);
            }
        }
        return new SyncClientException(ErrorCode.IO, "store " + file + ": " + what + " failed: " + e.getMessage(), "", e);
    }

    @Override
    public void close() {
        lock.lock();
        try {
            conn.close();
        } catch (SQLException ignored) {
            // why: nothing useful to do when closing fails; the OS releases the file
        } finally {
            lock.unlock();
        }
    }
}
