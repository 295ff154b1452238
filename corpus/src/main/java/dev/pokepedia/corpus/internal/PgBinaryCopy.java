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
