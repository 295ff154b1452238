package dev.pokepedia.corpus.internal;

import dev.pokepedia.corpus.DocumentId;

/** A canonical document ready to be written. */
public record StoredDocument(DocumentId id, String name, byte[] json, String sha256) {}
