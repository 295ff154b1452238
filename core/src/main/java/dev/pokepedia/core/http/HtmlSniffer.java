package dev.pokepedia.core.http;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Tells an HTML page from the content that was wanted, by content type and by the first bytes of the body. */
final class HtmlSniffer {

    private HtmlSniffer() {
    }

    static boolean isHtml(String contentType, byte[] body, Wanted.Kind wanted) {
        String type = contentType.trim().toLowerCase(Locale.ROOT);
        if (type.startsWith("text/html") || type.startsWith("application/xhtml")) {
            return true;
        }
        int i = 0;
        if (body.length >= 3 && (body[0] & 0xFF) == 0xEF && (body[1] & 0xFF) == 0xBB && (body[2] & 0xFF) == 0xBF) {
            i = 3; // a UTF-8 byte order mark
        }
        while (i < body.length && (body[i] == ' ' || body[i] == '\t' || body[i] == '\r' || body[i] == '\n')) {
            i++;
        }
        if (wanted == Wanted.Kind.JSON) {
            return i < body.length && body[i] == '<'; // why: JSON never starts with markup, whatever the page is
        }
        // why only an HTML document: an SVG file starts with '<' too
        String head = new String(body, i, Math.min(32, body.length - i), StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        return head.startsWith("<!doctype html") || head.startsWith("<html");
    }
}
