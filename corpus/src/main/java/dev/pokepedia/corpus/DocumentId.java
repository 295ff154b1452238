package dev.pokepedia.corpus;

import java.util.regex.Pattern;

/**
 * The primary key of a canonical document: endpoint + id as text. {@code pokemon/25/encounters} is
 * {@code (pokemon-encounters, 25)}; the singleton {@code meta} document is {@code (meta, meta)}.
 */
public record DocumentId(String type, String key) implements Comparable<DocumentId> {

    public static final String ENCOUNTERS = "pokemon-encounters";
    public static final String META = "meta";
    private static final Pattern REF = Pattern.compile("^/api/v2/([a-z0-9-]+)/(-?[0-9]+|[a-z0-9-]+)/(encounters/?)?$");

    /** The document a {@code /api/v2/...} reference points at, or null if it is not a document reference. */
    public static DocumentId fromReference(String ref) {
        var m = REF.matcher(ref);
        if (!m.matches()) {
            return null;
        }
        return m.group(3) != null ? new DocumentId(ENCOUNTERS, m.group(2)) : new DocumentId(m.group(1), m.group(2));
    }

    /** The path PokeAPI serves this document at. */
    public String apiPath() {
        if (type.equals(ENCOUNTERS)) {
            return "/api/v2/pokemon/" + key + "/encounters";
        }
        return type.equals(META) ? "/api/v2/meta/" : "/api/v2/" + type + "/" + key + "/";
    }

    @Override
    public int compareTo(DocumentId o) {
        int c = type.compareTo(o.type);
        return c != 0 ? c : key.compareTo(o.key);
    }

    @Override
    public String toString() {
        return type + "/" + key;
    }
}
