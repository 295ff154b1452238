package dev.pokepedia.server.internal;

/**
 * A validated page request of a list, and the links to its neighbours in PokeAPI's shape:
 * {@code next} = {@code ?offset=O+L&limit=L'} with {@code L'} cut to what is left (none when nothing is left),
 * {@code previous} steps back one limit from {@code max(0, O-L)} (none at offset 0).
 */
public record ListPaging(int offset, int limit) {

    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_OFFSET = 10_000_000;

    public static ListPaging from(Params params, int maxLimit) {
        return new ListPaging(params.integer("offset", 0, 0, MAX_OFFSET), params.integer("limit", DEFAULT_LIMIT, 1, maxLimit));
    }

    /** Query string of the next page, or null. */
    public String next(long count) {
        long begin = (long) offset + limit;
        long end = Math.min((long) offset + 2L * limit, count);
        return end > begin ? query(begin, end - begin) : null;
    }

    /** Query string of the previous page, or null. */
    public String previous() {
        int begin = Math.max(0, offset - limit);
        return begin < offset ? query(begin, offset - begin) : null;
    }

    private static String query(long offset, long limit) {
        return "?offset=" + offset + "&limit=" + limit;
    }
}
