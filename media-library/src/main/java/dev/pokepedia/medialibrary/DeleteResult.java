package dev.pokepedia.medialibrary;

import java.util.Map;

/** Per public id: {@code deleted}, {@code not_found}, or the error the provider gave. */
public record DeleteResult(Map<String, String> outcomes) {
    public DeleteResult {
        outcomes = Map.copyOf(outcomes);
    }
}
