package dev.pokepedia.core;

import dev.pokepedia.core.PokepediaException.ErrorCode;
import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;

/**
 * The one place a failed piece of JDBC work becomes a {@link PokepediaException}. Four families, each with its exit
 * code and hint: the database is <b>unavailable</b> (rerun when it is back), a <b>transient</b> clash with another
 * transaction (retry), a <b>conflict</b> with another run holding our lock (wait, then rerun), and everything else, a
 * <b>bug</b> (a statement that should not fail: its SQLSTATE, the server's message and the stack trace are kept).
 */
public final class SqlFailures {

    /** What kind of failure a {@link SQLException} is; decides the error code. */
    public enum Family {
        UNAVAILABLE(ErrorCode.DATABASE_UNAVAILABLE),
        TRANSIENT(ErrorCode.TRANSIENT),
        BUG(ErrorCode.INTERNAL);

        private final ErrorCode code;

        Family(ErrorCode code) {
            this.code = code;
        }

        public ErrorCode code() {
            return code;
        }
    }

    static final String UNAVAILABLE_HINT =
            "Check that the server is running and the URL is right; rerun to resume where the work stopped.";
    static final String TRANSIENT_HINT =
            "Another transaction got in the way (deadlock, serialization failure or lock timeout); the work is safe to retry.";
    static final String BUG_HINT = "This statement should not fail: please report it with this message; "
            + "work committed before it is kept and a rerun resumes from there.";

    /** 57P01 admin shutdown (also pg_terminate_backend), 57P02 crash shutdown, 57P03 cannot connect now, 53300 too many connections. */
    private static final Set<String> UNAVAILABLE_STATES = Set.of("57P01", "57P02", "57P03", "53300");
    /** 40001 serialization failure, 40P01 deadlock, 55P03 lock not available (lock_timeout, NOWAIT). */
    private static final Set<String> TRANSIENT_STATES = Set.of("40001", "40P01", "55P03");

    private SqlFailures() {
    }

    public static Family family(SQLException e) {
        String state = state(e);
        if (state.startsWith("08") || UNAVAILABLE_STATES.contains(state) || e instanceof SQLTransientConnectionException
                || e instanceof SQLNonTransientConnectionException || e instanceof SQLRecoverableException
                || (state.isEmpty() && (Throwables.hasCause(e, IOException.class) || poolClosed(e)))) {
            return Family.UNAVAILABLE;
        }
        if (TRANSIENT_STATES.contains(state)) {
            return Family.TRANSIENT;
        }
        return Family.BUG;
    }

    /**
     * The exception to throw for {@code e}, raised while doing {@code what} (a phrase such as "reading the schedules",
     * used as "… failed: …"). The cause is kept so the stack trace reaches the log.
     */
    public static PokepediaException classify(String what, SQLException e) {
        String state = state(e);
        String server = firstLine(e.getMessage());
        return switch (family(e)) {
            case UNAVAILABLE -> new DatabaseUnavailableException(
                    what + " failed: the database is unavailable (" + server + sqlState(state) + ")", UNAVAILABLE_HINT, e);
            case TRANSIENT -> new PokepediaException(ErrorCode.TRANSIENT,
                    what + " failed: " + server + sqlState(state), TRANSIENT_HINT, e);
            case BUG -> new PokepediaException(ErrorCode.INTERNAL,
                    what + " failed: " + server + sqlState(state), BUG_HINT, e);
        };
    }

    /** Another run holds the lock that serialises {@code what}; not a statement failure, so no SQLException. */
    public static PokepediaException conflict(String message, String hint) {
        return new PokepediaException(ErrorCode.CONFLICT, message, hint, null);
    }

    private static String state(SQLException e) {
        return e.getSQLState() == null ? "" : e.getSQLState();
    }

    private static String sqlState(String state) {
        return state.isEmpty() ? "" : ", SQLSTATE " + state;
    }

    /** why: Hikari's "HikariDataSource … has been closed." carries no SQLSTATE; it happens while a process shuts down. */
    private static boolean poolClosed(SQLException e) {
        String m = e.getMessage();
        return m != null && m.startsWith("HikariDataSource") && m.endsWith("has been closed.");
    }

    static String firstLine(String s) {
        if (s == null || s.isBlank()) {
            return "no message";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }
}
