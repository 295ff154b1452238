package dev.pokepedia.corpus;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** Checks a parsed document; returns the reasons it is invalid (empty when valid). Thread-safe. */
public interface DocumentValidator {
    List<String> validate(DocumentId id, JsonNode document);
}
