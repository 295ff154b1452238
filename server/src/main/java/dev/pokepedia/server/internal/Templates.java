package dev.pokepedia.server.internal;

import io.pebbletemplates.pebble.PebbleEngine;
import io.pebbletemplates.pebble.loader.ClasspathLoader;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;

/** Pebble templates from {@code /pokepedia/templates}, HTML-escaped by default. */
public final class Templates {

    private final PebbleEngine engine;

    public Templates() {
        ClasspathLoader loader = new ClasspathLoader(Templates.class.getClassLoader());
        loader.setPrefix("pokepedia/templates");
        loader.setSuffix(".peb");
        this.engine = new PebbleEngine.Builder().loader(loader).autoEscaping(true).strictVariables(true).build();
    }

    public String render(String name, Map<String, Object> model) {
        StringWriter out = new StringWriter(8192);
        try {
            engine.getTemplate(name).evaluate(out, model);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
