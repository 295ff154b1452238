package dev.pokepedia.app.bench;

import static dev.pokepedia.app.bench.Latencies.percentileMs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pokepedia.core.Database;
import dev.pokepedia.corpus.DocumentId;
import dev.pokepedia.corpus.DocumentStore;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How long after a committed write every server answers with it: writes {@code pokemon/1} with a new
 * {@code base_experience} through {@link DocumentStore} (the ingest worker's write path), then polls each server until
 * it serves the new value. The figure per sample is from the write's commit (upsert returned) to the moment the last
 * server was seen serving it; servers are polled one after the other, so later ones are measured conservatively.
 * The document is restored afterwards.
 */
public final class FreshnessProbe {

    public record Result(int samples, double p50Ms, double p90Ms, double p99Ms, double maxMs) {
        public void print(int servers, PrintStream out) {
            out.printf(Locale.ROOT, "freshness (commit -> served by all %d servers), %d samples: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                    servers, samples, p50Ms, p90Ms, p99Ms, maxMs);
        }
    }

    private FreshnessProbe() {
    }

    public static Result run(Database db, List<URI> servers, int samples, PrintStream log) throws Exception {
        DocumentStore store = new DocumentStore(db.dataSource());
        DocumentId id = new DocumentId("pokemon", "1");
        String original = db.withConnection("reading pokemon/1", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT data::text FROM pokeapi_resources WHERE resource_type = 'pokemon' AND resource_key = '1' AND deleted_at IS NULL");
                 ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("pokemon/1 is not stored; import a corpus first");
                }
                return rs.getString(1);
            }
        });
        ObjectMapper json = new ObjectMapper();
        ObjectNode doc = (ObjectNode) json.readTree(original);
        HttpClient http = HttpClient.newHttpClient();
        long[] lat = new long[samples];
        log.printf("measuring freshness over %d writes …%n", samples);
        try {
            for (int i = 0; i < samples; i++) {
                int value = 900_000 + i;
                doc.put("base_experience", value);
                var prepared = store.prepare(id, json.writeValueAsBytes(doc), null);
                store.upsert(List.of(prepared), "bench-freshness");
                long committed = System.nanoTime();
                String marker = "\"base_experience\":" + value + ",";
                for (URI s : servers) {
                    HttpRequest get = HttpRequest.newBuilder(s.resolve("/api/v2/pokemon/1/")).build();
                    while (!http.send(get, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)).body().contains(marker)) {
                        if (System.nanoTime() - committed > 10_000_000_000L) {
                            throw new IllegalStateException(s + " did not serve a write within 10 s");
                        }
                    }
                }
                lat[i] = System.nanoTime() - committed;
            }
        } finally {
            store.upsert(List.of(store.prepare(id, original.getBytes(StandardCharsets.UTF_8), null)), "bench-freshness");
            store.refreshProjections();
        }
        Arrays.sort(lat);
        return new Result(samples, percentileMs(lat, 0.5), percentileMs(lat, 0.9), percentileMs(lat, 0.99), lat[lat.length - 1] / 1e6);
    }
}
