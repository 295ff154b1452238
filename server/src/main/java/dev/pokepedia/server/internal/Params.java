package dev.pokepedia.server.internal;

import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** Strict reading of query parameters: every problem is a 400 that names the parameter and says what is allowed. */
public final class Params {

    private static final Pattern DIGITS = Pattern.compile("^[0-9]+$");
    private static final Pattern SIGNED = Pattern.compile("^-?[0-9]+$");

    private final Map<String, List<String>> query;

    public Params(Context ctx, Set<String> allowed) {
        this.query = ctx.queryParamMap();
        Set<String> unknown = new TreeSet<>(query.keySet());
        unknown.removeAll(allowed);
        if (!unknown.isEmpty()) {
            String name = unknown.iterator().next();
            throw ApiException.badParameter(name, "Unknown query parameter '" + Text.clip(name) + "'; allowed: "
                    + String.join(", ", new TreeSet<>(allowed)));
        }
    }

    /** The single value of a parameter, or null when absent; repeating it is an error. */
    public String single(String name) {
        List<String> values = query.get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw ApiException.badParameter(name, "Parameter '" + name + "' is given " + values.size() + " times; give it once");
        }
        return values.getFirst();
    }

    /** An integer in [min, max], or {@code dflt} when absent. */
    public int integer(String name, int dflt, int min, int max) {
        String v = single(name);
        if (v == null) {
            return dflt;
        }
        String s = v.trim();
        if (!DIGITS.matcher(s).matches()) {
            String why = SIGNED.matcher(s).matches() && s.startsWith("-") ? "must not be negative" : "must be a whole number";
            throw ApiException.badParameter(name, name + " " + why + ": got '" + Text.clip(v) + "' (allowed: " + min + " to " + max + ")");
        }
        // why: a whole number too long for a long is still a number, just too large
        String digits = s.replaceFirst("^0+(?=.)", "");
        if (digits.length() > 18 || Long.parseLong(digits) > max) {
            throw ApiException.badParameter(name, name + " must be at most " + max + ": got " + Text.clip(digits));
        }
        long n = Long.parseLong(digits);
        if (n < min) {
            throw ApiException.badParameter(name, name + " must be at least " + min + ": got " + n);
        }
        return (int) n;
    }

    /** A value matching {@code pattern} (described by {@code what}), or null when absent. */
    public String matching(String name, Pattern pattern, String what) {
        String v = single(name);
        if (v == null) {
            return null;
        }
        if (!pattern.matcher(v).matches()) {
            throw ApiException.badParameter(name, name + " must be " + what + ": got '" + Text.clip(v) + "'");
        }
        return v;
    }

    /** true/false, or null when absent. */
    public Boolean bool(String name) {
        String v = single(name);
        if (v == null) {
            return null;
        }
        return switch (v) {
            case "true", "1" -> Boolean.TRUE;
            case "false", "0" -> Boolean.FALSE;
            default -> throw ApiException.badParameter(name, name + " must be true or false: got '" + Text.clip(v) + "'");
        };
    }
}
