package dev.pokepedia.server.internal;

/** Small text helpers for messages that echo client input. */
public final class Text {

    private static final int MAX_ECHO = 60;

    private Text() {
    }

    /** Client input shortened and with control characters replaced, safe to echo in a message or a log line. */
    public static String clip(String s) {
        if (s == null) {
            return "";
        }
        String t = s.length() > MAX_ECHO ? s.substring(0, MAX_ECHO) + "…" : s;
        StringBuilder b = new StringBuilder(t.length());
        t.codePoints().forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return b.toString();
    }
}
