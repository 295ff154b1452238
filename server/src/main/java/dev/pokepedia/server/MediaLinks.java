package dev.pokepedia.server;

import dev.pokepedia.core.ConfigurationException;
import java.net.URI;
import java.util.Locale;

/**
 * Where media URLs inside served documents point. A stored asset's upstream URL
 * ({@code https://raw.githubusercontent.com/PokeAPI/…}) is rewritten to its public storage URL
 * {@code {base}/storage/v1/object/public/{bucket}/{path}}; assets not stored keep their upstream URL.
 *
 * @param kind {@code SELF}: this server's own storage route (the folder backend); {@code BASE}: another base, e.g.
 *             a Supabase project URL; {@code UPSTREAM}: never rewrite
 * @param base the base URL for {@code BASE}, else null
 */
public record MediaLinks(Kind kind, URI base) {

    public enum Kind { SELF, BASE, UPSTREAM }

    public MediaLinks {
        if (kind == null) {
            throw new ConfigurationException("media link mode missing", "Give self, upstream or a base URL");
        }
        if (kind == Kind.BASE && (base == null || base.getHost() == null
                || !("http".equals(base.getScheme()) || "https".equals(base.getScheme())))) {
            throw new ConfigurationException("--media-url " + base + " is not an http(s) base URL",
                    "Give self, upstream, or the storage's public base, e.g. https://PROJECT.supabase.co");
        }
    }

    public static MediaLinks self() {
        return new MediaLinks(Kind.SELF, null);
    }

    public static MediaLinks upstream() {
        return new MediaLinks(Kind.UPSTREAM, null);
    }

    /** {@code self}, {@code upstream}, or an http(s) base URL. */
    public static MediaLinks parse(String spec) {
        if (spec == null || spec.isBlank() || spec.trim().toLowerCase(Locale.ROOT).equals("self")) {
            return self();
        }
        if (spec.trim().toLowerCase(Locale.ROOT).equals("upstream")) {
            return upstream();
        }
        try {
            return new MediaLinks(Kind.BASE, URI.create(spec.trim()));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("--media-url '" + spec + "' is not a URL", "Give self, upstream, or an http(s) base URL");
        }
    }
}
