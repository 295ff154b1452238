package dev.pokepedia.core.http;

import java.util.Objects;

/**
 * What a GET expects in a successful answer, so an HTML page (a captive portal, a CDN's error page, a login wall)
 * delivered with status 200 is reported as such instead of being taken for the content.
 *
 * @param kind        JSON (any body starting with markup is wrong) or bytes (only an HTML document is wrong; an SVG
 *                    file also starts with {@code <})
 * @param description how messages name it: "JSON", "an image", "audio"
 * @param accept      the {@code Accept} header sent
 */
public record Wanted(Kind kind, String description, String accept) {

    public enum Kind { JSON, BYTES }

    public Wanted {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(accept, "accept");
    }

    public static Wanted json() {
        return new Wanted(Kind.JSON, "JSON", "application/json");
    }

    public static Wanted bytes(String description, String accept) {
        return new Wanted(Kind.BYTES, description, accept);
    }
}
