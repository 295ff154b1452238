package dev.pokepedia.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pokepedia.corpus.DocumentId;
import dev.pokepedia.media.AssetRef;
import dev.pokepedia.queue.PermanentFailureException;
import dev.pokepedia.queue.Queues;
import java.util.ArrayList;
import java.util.List;

/**
 * The two queues of the live path and their message shapes (JSON, readable from SQL too):
 * <ul>
 *   <li>{@code pokepedia_ingest}: {@code {"path": "/api/v2/pokemon/25/", "base": "https://pokeapi.co"}}, or with
 *       {@code "snapshot": "/abs/path.tar.gz"} instead of {@code base}; key {@code pokemon/25};</li>
 *   <li>{@code pokepedia_sprites}: {@code {"bucket": "pokedex-sprites", "path": "sprites/pokemon/25.png"}}; key
 *       {@code bucket/path}.</li>
 * </ul>
 * Keys make sends unique: a document or asset already waiting in its queue is not enqueued again.
 */
public final class LiveQueues {

    public static final String INGEST = "pokepedia_ingest";
    public static final String SPRITES = "pokepedia_sprites";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BATCH = 1000;
    static final String META_PATH = "/api/v2/meta/";

    private LiveQueues() {
    }

    /** Where an ingest message says to fetch from: a server base URL or a snapshot. */
    public record IngestMessage(DocumentId id, String path, String base, String snapshot) {
        public String source() {
            return base != null ? base : snapshot;
        }
    }

    /** The document served at an API path, including the singleton {@code /api/v2/meta/}; null if none. */
    public static DocumentId documentAt(String path) {
        if (path.equals(META_PATH)) {
            return new DocumentId(DocumentId.META, DocumentId.META);
        }
        return DocumentId.fromReference(path);
    }

    public static String ingestBody(String path, String base, String snapshot) {
        ObjectNode n = JSON.createObjectNode().put("path", path);
        if (snapshot != null) {
            n.put("snapshot", snapshot);
        } else {
            n.put("base", base);
        }
        return n.toString();
    }

    public static IngestMessage parseIngest(String body) {
        try {
            JsonNode n = JSON.readTree(body);
            String path = n.path("path").asText(null);
            DocumentId id = path == null ? null : documentAt(path);
            String base = n.path("base").asText(null);
            String snapshot = n.path("snapshot").asText(null);
            if (id == null || (base == null) == (snapshot == null)) {
                throw new PermanentFailureException("not an ingest message (needs a document 'path' and one of 'base' or 'snapshot'): " + body, null);
            }
            return new IngestMessage(id, path, base, snapshot);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new PermanentFailureException("not an ingest message: " + body, e);
        }
    }

    public static AssetRef parseAsset(String body) {
        try {
            JsonNode n = JSON.readTree(body);
            String bucket = n.path("bucket").asText(null);
            String path = n.path("path").asText(null);
            if (bucket == null || path == null) {
                throw new PermanentFailureException("not a sprite message (needs 'bucket' and 'path'): " + body, null);
            }
            return new AssetRef(bucket, path);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new PermanentFailureException("not a sprite message: " + body, e);
        }
    }

    /** Enqueues assets (bucket, path) for the sprite worker, skipping those already waiting; returns how many were sent. */
    public static long enqueueAssets(Queues queues, List<AssetRef> assets) {
        long sent = 0;
        for (int i = 0; i < assets.size(); i += BATCH) {
            List<String> bodies = new ArrayList<>();
            List<String> keys = new ArrayList<>();
            for (AssetRef a : assets.subList(i, Math.min(assets.size(), i + BATCH))) {
                bodies.add(JSON.createObjectNode().put("bucket", a.bucket()).put("path", a.path()).toString());
                keys.add(a.bucket() + "/" + a.path());
            }
            sent += queues.sendUnique(SPRITES, bodies, keys).size();
        }
        return sent;
    }
}
