package dev.pokepedia.medialibrary;

import java.util.Locale;

/**
 * A catalog listing: filters, order and one page. Every field is validated here, with a message naming the
 * parameter, so the HTTP routes can turn an {@link IllegalArgumentException} into a 400 for that parameter.
 *
 * @param folder  exact folder, or null
 * @param tag     assets carrying this tag, or null
 * @param type    resource type, or null
 * @param text    full-text words over display name, public id, tags and context (all must match), or null
 * @param sort    {@code created_desc} (default), {@code created_asc}, {@code name}, {@code bytes_desc}
 * @param limit   1..200
 * @param offset  rows to skip (page × limit); ignored when a cursor is given
 * @param cursor  from the previous page's {@link MediaList#nextCursor()}, or null (keyset paging for the created
 *                sorts, an opaque offset for the others)
 * @param deleted include tombstoned assets
 */
public record MediaQuery(String folder, String tag, ResourceType type, String text, String sort, int limit, int offset,
        String cursor, boolean deleted) {

    public static final int MAX_LIMIT = 200;
    public static final int MAX_TEXT = 200;

    public MediaQuery {
        sort = sort == null || sort.isBlank() ? "created_desc" : sort.trim().toLowerCase(Locale.ROOT);
        if (!sort.equals("created_desc") && !sort.equals("created_asc") && !sort.equals("name")
                && !sort.equals("bytes_desc")) {
            throw new IllegalArgumentException("sort: one of created_desc, created_asc, name, bytes_desc");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit: 1.." + MAX_LIMIT);
        }
        if (offset < 0) {
            throw new IllegalArgumentException("offset: must be ≥ 0");
        }
        if (text != null && text.length() > MAX_TEXT) {
            throw new IllegalArgumentException("q: at most " + MAX_TEXT + " characters");
        }
        text = text == null || text.isBlank() ? null : text.trim();
        folder = folder == null || folder.isEmpty() ? null : folder;
        tag = tag == null || tag.isEmpty() ? null : tag;
    }

    public static MediaQuery first(int limit) {
        return new MediaQuery(null, null, null, null, null, limit, 0, null, false);
    }

    public MediaQuery withCursor(String c) {
        return new MediaQuery(folder, tag, type, text, sort, limit, 0, c, deleted);
    }

    public MediaQuery withText(String t) {
        return new MediaQuery(folder, tag, type, t, sort, limit, offset, cursor, deleted);
    }

    public MediaQuery withSort(String s) {
        return new MediaQuery(folder, tag, type, text, s, limit, offset, cursor, deleted);
    }

    public MediaQuery withFolder(String f) {
        return new MediaQuery(f, tag, type, text, sort, limit, offset, cursor, deleted);
    }

    public MediaQuery withTag(String t) {
        return new MediaQuery(folder, t, type, text, sort, limit, offset, cursor, deleted);
    }
}
