package dev.pokepedia.corpus;

import java.util.regex.Pattern;

/** What an entry of a snapshot is, decided from its path alone. */
public sealed interface SnapshotPath {

    /** A stored document. */
    record Document(DocumentId id) implements SnapshotPath {}

    /** An endpoint's list document ({@code data/api/v2/<endpoint>/index.json}): only its count is kept. */
    record EndpointList(String endpoint) implements SnapshotPath {}

    /** The root index ({@code data/api/v2/index.json}): derived, not stored. */
    record RootIndex() implements SnapshotPath {}

    /** A JSON Schema under {@code data/schema/v2/}; {@code schemaPath} starts with {@code /schema/v2/}. */
    record Schema(String schemaPath) implements SnapshotPath {}

    /** Anything else; {@code reason} says why it is not used. */
    record Unknown(String reason) implements SnapshotPath {}

    Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_.$-]+");
    Pattern ENDPOINT = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
    Pattern KEY = Pattern.compile("-?[0-9]+|[a-z0-9]+(-[a-z0-9]+)*");

    /**
     * Classifies a path relative to the snapshot, with any top folder still in front, e.g.
     * {@code api-data-2026-07-10/data/api/v2/pokemon/25/index.json}. Hostile paths are classified {@link Unknown}
     * by {@link #hostility} before this is called.
     */
    static SnapshotPath classify(String path) {
        int api = indexOfSegment(path, "data/api/v2/");
        int schema = indexOfSegment(path, "data/schema/v2/");
        if (schema >= 0 && (api < 0 || schema < api)) {
            return new Schema("/schema/v2/" + path.substring(schema + "data/schema/v2/".length()));
        }
        if (api < 0) {
            return new Unknown("outside data/api/v2 and data/schema/v2");
        }
        return classifyApi(path.substring(api + "data/api/v2/".length()));
    }

    /** Classifies a path relative to {@code data/api/v2}. */
    static SnapshotPath classifyApi(String rel) {
        String[] s = rel.split("/");
        if (!s[s.length - 1].equals("index.json")) {
            return new Unknown("not an index.json document");
        }
        switch (s.length) {
            case 1:
                return new RootIndex();
            case 2:
                if (!ENDPOINT.matcher(s[0]).matches()) {
                    return new Unknown("'" + s[0] + "' is not an endpoint name");
                }
                return s[0].equals(DocumentId.META) ? new Document(new DocumentId(DocumentId.META, DocumentId.META))
                        : new EndpointList(s[0]);
            case 3:
                if (!ENDPOINT.matcher(s[0]).matches() || !KEY.matcher(s[1]).matches()) {
                    return new Unknown("unexpected folder names '" + s[0] + "/" + s[1] + "'");
                }
                return new Document(new DocumentId(s[0], s[1]));
            case 4:
                if (s[0].equals("pokemon") && s[2].equals("encounters") && KEY.matcher(s[1]).matches()) {
                    return new Document(new DocumentId(DocumentId.ENCOUNTERS, s[1]));
                }
                return new Unknown("unknown sub-document '" + rel + "'");
            default:
                return new Unknown("unknown folder depth");
        }
    }

    /** Why a raw archive/folder path must not be used ({@code ..}, absolute, odd characters), or null if it is fine. */
    static String hostility(String path) {
        if (path.startsWith("/") || path.startsWith("\\") || (path.length() > 1 && path.charAt(1) == ':')) {
            return "absolute path";
        }
        for (String seg : path.split("/")) {
            if (seg.equals("..")) {
                return "'..' path segment";
            }
            if (!seg.isEmpty() && !seg.equals(".") && !SEGMENT.matcher(seg).matches()) {
                return "unexpected characters in path segment '" + seg + "'";
            }
        }
        return null;
    }

    private static int indexOfSegment(String path, String needle) {
        if (path.startsWith(needle)) {
            return 0;
        }
        int i = path.indexOf("/" + needle);
        return i < 0 ? -1 : i + 1;
    }
}
