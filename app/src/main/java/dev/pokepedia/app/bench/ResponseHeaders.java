package dev.pokepedia.app.bench;

import java.io.IOException;
import java.util.Locale;

/**
 * The response headers the load generators act on: how the body is framed and whether the server closes the
 * connection after it.
 *
 * @param contentLength {@code Content-Length}, or -1 without one
 */
record ResponseHeaders(long contentLength, boolean chunked, boolean close) {

    /** Where the header lines come from: one line without its line end, null at the end of the stream. */
    interface Lines {
        String next() throws IOException;
    }

    /** Reads the header lines after the status line, up to the blank line that ends them (or the end of the stream). */
    static ResponseHeaders read(Lines lines) throws IOException {
        long length = -1;
        boolean chunked = false;
        boolean close = false;
        for (String h; (h = lines.next()) != null && !h.isEmpty(); ) {
            String lower = h.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(lower.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                close = true;
            }
        }
        return new ResponseHeaders(length, chunked, close);
    }
}
