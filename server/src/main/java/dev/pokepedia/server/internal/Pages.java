package dev.pokepedia.server.internal;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The public Pokédex page: one HTML document whose script reads only the public read API. */
public final class Pages {

    private final Representation pokedex;

    public Pages() {
        try (InputStream in = Pages.class.getResourceAsStream("/pokepedia/pages/pokedex.html")) {
            if (in == null) {
                throw new IllegalStateException("pokedex.html is missing from the classpath");
            }
            pokedex = new Representation(in.readAllBytes(), "text/html; charset=utf-8");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final java.util.Set<String> VIEW_PARAMETERS =
            java.util.Set.of("type", "generation", "sort", "forms", "offset", "external", "pokemon");

    public void pokedex(Context ctx) {
        // why: the page keeps its view in its own URL (filters, page, selected Pokémon); the script checks the values
        new Params(ctx, VIEW_PARAMETERS);
        // why: the page may only load its own script and style, images and audio from anywhere (upstream or mirror)
        ctx.header("Content-Security-Policy", "default-src 'self'; img-src 'self' https: data:; media-src 'self' https:; "
                + "connect-src 'self'; style-src 'self'; script-src 'self'; frame-ancestors 'none'");
        Responder.send(ctx, pokedex, "public, max-age=300");
    }
}
