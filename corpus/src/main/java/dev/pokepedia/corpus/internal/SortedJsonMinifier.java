package dev.pokepedia.corpus.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The canonicaliser's fast path: one pass over the bytes of a document whose object keys are already sorted (as
 * upstream writes them), producing exactly the bytes Jackson's parser → generator path produces, without building a
 * token, a string or a number object per value.
 *
 * <p>why a hand-written scanner: a fresh import parses ~586 MB of JSON in a process whose JIT has not compiled Jackson
 * yet; one small loop is compiled within milliseconds, and it does a fraction of the work even when warm.
 *
 * <p>It answers null whenever it is not certain of the answer (a key out of order, a duplicate or empty key, a key
 * with escapes or non-ASCII, a lone surrogate, "-0", a number that is not finite, malformed UTF-8 or JSON, trailing
 * content): the caller then takes Jackson's path, which decides and words the error. Jackson's output rules it
 * reproduces: no whitespace; strings keep their UTF-8, escapes decoded and written back only for {@code "}, {@code \},
 * control characters (as {@code \b \t \n \f \r} or a six-character escape with upper-case hex) and characters
 * beyond U+FFFF (as the escapes of their surrogate pair, even when the source has them as UTF-8); integers as written; other
 * numbers as {@link Double#toString}.
 */
final class SortedJsonMinifier {

    /** The canonical bytes, and the top-level {@code name} (a string) and {@code id} (an integer or string), or null. */
    record Result(byte[] json, String name, String ownId) {}

    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_DEPTH = 1_000; // why: Jackson's default nesting limit is 1,000 too

    private final byte[] in;
    private byte[] out;
    private int i;
    private int o;
    private String name;
    private String ownId;

    private SortedJsonMinifier(byte[] in) {
        this.in = in;
        this.out = new byte[in.length + 16];
    }

    /** Thrown to leave the scan for Jackson's path; carries no stack (it is control flow, not an error). */
    private static final class Unsure extends RuntimeException {
        Unsure() {
            super(null, null, false, false);
        }
    }

    private static final Unsure UNSURE = new Unsure();

    static Result minify(byte[] raw) {
        SortedJsonMinifier m = new SortedJsonMinifier(raw);
        try {
            m.skipSpace();
            if (m.i >= raw.length || raw[m.i] != '{' && raw[m.i] != '[') {
                return null;
            }
            m.value(0);
            m.skipSpace();
            if (m.i != raw.length) {
                return null;
            }
        } catch (Unsure | ArrayIndexOutOfBoundsException e) {
            return null; // why AIOOBE: a truncated document runs off the end; Jackson words the error
        }
        return new Result(Arrays.copyOf(m.out, m.o), m.name, m.ownId);
    }

    private void value(int depth) {
        skipSpace();
        byte b = in[i];
        switch (b) {
            case '{' -> object(depth + 1);
            case '[' -> array(depth + 1);
            case '"' -> string();
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            default -> number();
        }
    }

    private void object(int depth) {
        if (depth > MAX_DEPTH) {
            throw UNSURE;
        }
        i++;
        put((byte) '{');
        skipSpace();
        if (in[i] == '}') {
            i++;
            put((byte) '}');
            return;
        }
        int prevKeyStart = -1;
        int prevKeyEnd = -1;
        while (true) {
            skipSpace();
            if (in[i] != '"') {
                throw UNSURE;
            }
            int keyStart = o + 1;
            key();
            int keyEnd = o - 1;
            if (keyEnd == keyStart || prevKeyStart >= 0
                    && Arrays.compareUnsigned(out, prevKeyStart, prevKeyEnd, out, keyStart, keyEnd) >= 0) {
                throw UNSURE; // empty, unsorted or duplicate key
            }
            prevKeyStart = keyStart;
            prevKeyEnd = keyEnd;
            skipSpace();
            if (in[i++] != ':') {
                throw UNSURE;
            }
            put((byte) ':');
            if (depth == 1) {
                topLevelField(keyStart, keyEnd);
            } else {
                value(depth);
            }
            skipSpace();
            byte b = in[i++];
            if (b == '}') {
                put((byte) '}');
                return;
            }
            if (b != ',') {
                throw UNSURE;
            }
            put((byte) ',');
        }
    }

    /** A top-level field: remembers {@code name} and {@code id} as Jackson's path does. */
    private void topLevelField(int keyStart, int keyEnd) {
        boolean isName = keyEnd - keyStart == 4 && out[keyStart] == 'n' && out[keyStart + 1] == 'a'
                && out[keyStart + 2] == 'm' && out[keyStart + 3] == 'e';
        boolean isId = keyEnd - keyStart == 2 && out[keyStart] == 'i' && out[keyStart + 1] == 'd';
        if (!isName && !isId) {
            value(1);
            return;
        }
        skipSpace();
        int start = o;
        byte b = in[i];
        value(1);
        if (b == '"') {
            String s = decodedString(start, o);
            if (isName) {
                name = s;
            } else {
                ownId = s;
            }
        } else if (isId && (b == '-' || b >= '0' && b <= '9') && isInteger(start, o)) {
            ownId = new String(out, start, o - start, StandardCharsets.US_ASCII);
        }
    }

    private boolean isInteger(int from, int to) {
        for (int k = from; k < to; k++) {
            if (out[k] == '.' || out[k] == 'E' || out[k] == 'e') {
                return false;
            }
        }
        return true;
    }

    /** The text of a string written at out[from, to) (quotes included); only written escapes need decoding. */
    private String decodedString(int from, int to) {
        for (int k = from + 1; k < to - 1; k++) {
            if (out[k] == '\\') {
                throw UNSURE; // why: rare in a name; Jackson's path decodes it
            }
        }
        return new String(out, from + 1, to - from - 2, StandardCharsets.UTF_8);
    }

    private void array(int depth) {
        if (depth > MAX_DEPTH) {
            throw UNSURE;
        }
        i++;
        put((byte) '[');
        skipSpace();
        if (in[i] == ']') {
            i++;
            put((byte) ']');
            return;
        }
        while (true) {
            value(depth);
            skipSpace();
            byte b = in[i++];
            if (b == ']') {
                put((byte) ']');
                return;
            }
            if (b != ',') {
                throw UNSURE;
            }
            put((byte) ',');
        }
    }

    /** A key: printable ASCII without escapes only (then byte order is Java's string order). */
    private void key() {
        put((byte) '"');
        i++;
        while (true) {
            byte b = in[i++];
            if (b == '"') {
                put((byte) '"');
                return;
            }
            if (b < 0x20 || b == '\\') { // (negative: a non-ASCII byte)
                throw UNSURE;
            }
            put(b);
        }
    }

    private void string() {
        put((byte) '"');
        i++;
        while (true) {
            byte b = in[i];
            if (b == '"') {
                i++;
                put((byte) '"');
                return;
            }
            if (b == '\\') {
                escape();
            } else if (b >= 0x20) {
                i++;
                put(b);
            } else if (b < 0) {
                utf8();
            } else {
                throw UNSURE; // a raw control character: Jackson refuses it
            }
        }
    }

    /** One well-formed UTF-8 sequence, copied (Jackson decodes and re-encodes it to the same bytes). */
    private void utf8() {
        int b0 = in[i] & 0xff;
        int n;
        int lo = 0x80;
        int hi = 0xBF;
        if (b0 >= 0xC2 && b0 <= 0xDF) {
            n = 1;
        } else if (b0 >= 0xE0 && b0 <= 0xEF) {
            n = 2;
            if (b0 == 0xE0) {
                lo = 0xA0; // no overlong forms
            } else if (b0 == 0xED) {
                hi = 0x9F; // no encoded surrogates
            }
        } else if (b0 >= 0xF0 && b0 <= 0xF4) {
            n = 3;
            if (b0 == 0xF0) {
                lo = 0x90;
            } else if (b0 == 0xF4) {
                hi = 0x8F;
            }
        } else {
            throw UNSURE;
        }
        int b1 = in[i + 1] & 0xff;
        if (b1 < lo || b1 > hi) {
            throw UNSURE;
        }
        for (int k = 2; k <= n; k++) {
            int bk = in[i + k] & 0xff;
            if (bk < 0x80 || bk > 0xBF) {
                throw UNSURE;
            }
        }
        if (n == 3) {
            // why: Jackson writes a character beyond U+FFFF as its escaped surrogate pair, not as its UTF-8
            codePoint((b0 & 0x07) << 18 | (b1 & 0x3F) << 12 | (in[i + 2] & 0x3F) << 6 | in[i + 3] & 0x3F);
        } else {
            for (int k = 0; k <= n; k++) {
                put(in[i + k]);
            }
        }
        i += n + 1;
    }

    private void escape() {
        byte e = in[i + 1];
        i += 2;
        switch (e) {
            case '"' -> put2('\\', '"');
            case '\\' -> put2('\\', '\\');
            case '/' -> put((byte) '/');
            case 'b' -> put2('\\', 'b');
            case 'f' -> put2('\\', 'f');
            case 'n' -> put2('\\', 'n');
            case 'r' -> put2('\\', 'r');
            case 't' -> put2('\\', 't');
            case 'u' -> unicodeEscape();
            default -> throw UNSURE;
        }
    }

    private void unicodeEscape() {
        int c = hex4();
        if (c >= 0xD800 && c <= 0xDBFF) {
            if (in[i] != '\\' || in[i + 1] != 'u') {
                throw UNSURE; // a lone high surrogate
            }
            i += 2;
            int low = hex4();
            if (low < 0xDC00 || low > 0xDFFF) {
                throw UNSURE;
            }
            codePoint(Character.toCodePoint((char) c, (char) low));
        } else if (c >= 0xDC00 && c <= 0xDFFF) {
            throw UNSURE; // a lone low surrogate
        } else {
            codePoint(c);
        }
    }

    private int hex4() {
        int c = 0;
        for (int k = 0; k < 4; k++) {
            int d = Character.digit(in[i + k], 16);
            if (d < 0) {
                throw UNSURE;
            }
            c = c << 4 | d;
        }
        i += 4;
        return c;
    }

    /** A decoded character as Jackson writes it. */
    private void codePoint(int c) {
        if (c < 0x20) {
            switch (c) {
                case 0x08 -> put2('\\', 'b');
                case 0x09 -> put2('\\', 't');
                case 0x0A -> put2('\\', 'n');
                case 0x0C -> put2('\\', 'f');
                case 0x0D -> put2('\\', 'r');
                default -> escapedUnit((char) c);
            }
        } else if (c == '"' || c == '\\') {
            put2('\\', (char) c);
        } else if (c < 0x80) {
            put((byte) c);
        } else if (c < 0x800) {
            put((byte) (0xC0 | c >> 6));
            put((byte) (0x80 | c & 0x3F));
        } else if (c < 0x10000) {
            put((byte) (0xE0 | c >> 12));
            put((byte) (0x80 | c >> 6 & 0x3F));
            put((byte) (0x80 | c & 0x3F));
        } else {
            escapedUnit(Character.highSurrogate(c));
            escapedUnit(Character.lowSurrogate(c));
        }
    }

    private void escapedUnit(char c) {
        put2('\\', 'u');
        put(HEX[c >> 12]);
        put(HEX[c >> 8 & 0xF]);
        put(HEX[c >> 4 & 0xF]);
        put(HEX[c & 0xF]);
    }

    /** A number: integers as written (not "-0"), anything else as Jackson writes a double. */
    private void number() {
        int start = i;
        if (in[i] == '-') {
            i++;
        }
        int intStart = i;
        if (in[i] == '0') {
            i++;
        } else if (in[i] >= '1' && in[i] <= '9') {
            while (i < in.length && in[i] >= '0' && in[i] <= '9') {
                i++;
            }
        } else {
            throw UNSURE;
        }
        boolean integer = true;
        if (i < in.length && in[i] == '.') {
            integer = false;
            i++;
            digits();
        }
        if (i < in.length && (in[i] == 'e' || in[i] == 'E')) {
            integer = false;
            i++;
            if (in[i] == '+' || in[i] == '-') {
                i++;
            }
            digits();
        }
        if (integer) {
            if (in[start] == '-' && i - intStart == 1 && in[intStart] == '0') {
                throw UNSURE; // "-0": Jackson writes 0
            }
            for (int k = start; k < i; k++) {
                put(in[k]);
            }
            return;
        }
        double d = Double.parseDouble(new String(in, start, i - start, StandardCharsets.US_ASCII));
        if (!Double.isFinite(d)) {
            throw UNSURE;
        }
        for (byte c : Double.toString(d).getBytes(StandardCharsets.US_ASCII)) {
            put(c);
        }
    }

    private void digits() {
        if (in[i] < '0' || in[i] > '9') {
            throw UNSURE;
        }
        while (i < in.length && in[i] >= '0' && in[i] <= '9') {
            i++;
        }
    }

    private void literal(String word) {
        for (int k = 0; k < word.length(); k++) {
            if (in[i + k] != word.charAt(k)) {
                throw UNSURE;
            }
        }
        i += word.length();
        for (int k = 0; k < word.length(); k++) {
            put((byte) word.charAt(k));
        }
    }

    private void skipSpace() {
        while (i < in.length) {
            byte b = in[i];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return;
            }
            i++;
        }
    }

    private void put(byte b) {
        if (o == out.length) {
            out = Arrays.copyOf(out, out.length * 2);
        }
        out[o++] = b;
    }

    private void put2(char a, char b) {
        put((byte) a);
        put((byte) b);
    }
}
