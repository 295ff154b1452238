package dev.pokepedia.corpus.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Builds a PostgreSQL binary COPY payload in memory. Binary format needs no escaping of the JSON text, and jsonb's
 * binary input is a version byte followed by the text.
 */
public final class PgBinaryCopy {

    private static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0, 0, 0, 0, 0, 0, 0, 0, 0};

    private final Buf out = new Buf(1 << 20);
    private int rows;

    public PgBinaryCopy() {
        out.write(HEADER, 0, HEADER.length);
    }

    public void startRow(int fields) {
        out.int16(fields);
        rows++;
    }

    public void text(String s) {
        if (s == null) {
            out.int32(-1);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.int32(b.length);
        out.write(b, 0, b.length);
    }

    public void jsonb(byte[] utf8Json) {
        out.int32(utf8Json.length + 1);
        out.write(1);
        out.write(utf8Json, 0, utf8Json.length);
    }

    /** Finishes the payload and sends it with {@code sql} (a {@code COPY … FROM STDIN (FORMAT binary)}). */
    public void copyInto(java.sql.Connection conn, String sql) throws java.sql.SQLException {
        out.int16(-1);
        org.postgresql.copy.CopyIn in = conn.unwrap(org.postgresql.PGConnection.class).getCopyAPI().copyIn(sql);
        try {
            in.writeToCopy(out.raw(), 0, out.size());
            in.endCopy();
        } finally {
            if (in.isActive()) {
                in.cancelCopy();
            }
        }
    }

    public int rows() {
        return rows;
    }

    /**
     * Starts {@code sql} (a {@code COPY … FROM STDIN (FORMAT binary)}) and keeps it open: rows added to the returned
     * stream go to the server in chunks while the caller prepares the next ones, so the server stores them meanwhile
     * instead of waiting for a whole batch. Nothing else may run on the connection until {@link Streaming#end}.
     */
    public static Streaming open(java.sql.Connection conn, String sql) throws java.sql.SQLException {
        return new Streaming(conn.unwrap(org.postgresql.PGConnection.class).getCopyAPI().copyIn(sql));
    }

    /** An open binary COPY; see {@link #open}. */
    public static final class Streaming {
        private static final int CHUNK = 256 << 10;
        private final org.postgresql.copy.CopyIn in;
        private final PgBinaryCopy rows = new PgBinaryCopy();

        private Streaming(org.postgresql.copy.CopyIn in) {
            this.in = in;
        }

        /** The row being built; call {@link #sendIfFull} after its last field. */
        public PgBinaryCopy row() {
            return rows;
        }

        public void sendIfFull() throws java.sql.SQLException {
            if (rows.out.size() >= CHUNK) {
                send();
            }
        }

        private void send() throws java.sql.SQLException {
            in.writeToCopy(rows.out.raw(), 0, rows.out.size());
            rows.out.reset();
        }

        /** Sends the rest and ends the COPY: the server has stored every row when this returns. */
        public void end() throws java.sql.SQLException {
            try {
                rows.out.int16(-1);
                send();
                in.endCopy();
            } finally {
                cancel();
            }
        }

        /** Abandons the COPY (the transaction is then aborted); quiet when it already ended. */
        public void cancel() {
            try {
                if (in.isActive()) {
                    in.cancelCopy();
                }
            } catch (java.sql.SQLException ignored) {
                // the connection is probably gone; the caller reports the original error
            }
        }
    }


    private static final class Buf extends ByteArrayOutputStream {
        Buf(int size) {
            super(size);
        }

        void int16(int v) {
            write(v >>> 8);
            write(v);
        }

        void int32(int v) {
            write(v >>> 24);
            write(v >>> 16);
            write(v >>> 8);
            write(v);
        }

        byte[] raw() {
            return buf;
        }
    }
}
