package dev.pokepedia.snapshotserver.internal;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The whole snapshot as served, immutable once loaded: per endpoint its documents by key, a name → key index and the
 * items of its list (each item pre-serialised, references already absolute), plus the encounters documents and the
 * root index.
 *
 * @param endpoints     endpoint name → its data, in root-index order
 * @param encounters    pokemon key → its {@code /encounters} document
 * @param root          the root index {@code /api/v2/}
 * @param documents     documents loaded (resources, encounters, meta; not lists or the root index)
 * @param documentBytes bytes held for those documents and the root index
 * @param metaHash      {@code meta.hash}, sent as {@code X-PokeAPI-Hash} like upstream; null without a meta document
 * @param metaDeployDate {@code meta.deploy_date}, sent as {@code X-PokeAPI-Deploy-Date}; may be null
 * @param problems      entries that were skipped, with the reason
 */
public record SnapshotIndex(Map<String, Endpoint> endpoints, Map<String, Resource> encounters, Resource root,
                            int documents, long documentBytes, String metaHash, String metaDeployDate, List<String> problems) {

    /**
     * One endpoint.
     *
     * @param name       e.g. {@code pokemon}
     * @param documents  key (id as text) → document
     * @param names      lower-case name → key
     * @param items      the list's results, each a minified JSON object as upstream's list has it
     * @param count      the list's {@code count} as upstream states it
     * @param single     for an endpoint that is one document rather than a list ({@code meta}); else null
     */
    public record Endpoint(String name, Map<String, Resource> documents, Map<String, String> names, List<byte[]> items,
                           int count, Resource single) {

        /** The key of the document an id or a name points at, or null. */
        public String resolve(String idOrName) {
            if (documents.containsKey(idOrName)) {
                return idOrName;
            }
            return names.get(idOrName.toLowerCase(Locale.ROOT));
        }
    }

    /** Bytes of the gzip copies made so far. */
    public long gzipBytes() {
        long n = root.gzipBytes();
        for (Endpoint e : endpoints.values()) {
            for (Resource r : e.documents().values()) {
                n += r.gzipBytes();
            }
        }
        for (Resource r : encounters.values()) {
            n += r.gzipBytes();
        }
        return n;
    }
}
