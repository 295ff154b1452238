package dev.pokepedia.app.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Realistic app traffic over a whole mirror, one different URL per request: 35 % {@code /api/v2/pokemon/{id}/}, 20 %
 * {@code pokemon-species}, 10 % moves, 10 % items, 8 % list pages at random offsets, 12 % {@code /pokedex/pokemon}
 * with a random type × generation × sort, 5 % Pokédex details. Ids, type names and list sizes are read from the
 * server being measured (its own lists), so every URL names something that exists.
 */
public final class RandomUrls implements Supplier<String> {

    private static final String[] SORTS = {"", "name", "-total_base_stat", "-attack", "speed", "-hp", "-weight", "height"};
    private static final String[] LISTS = {"pokemon", "pokemon-species", "move", "item", "ability", "location"};

    private final Map<String, List<String>> keys;
    private final Map<String, Integer> counts;
    private final List<String> types;

    private RandomUrls(Map<String, List<String>> keys, Map<String, Integer> counts, List<String> types) {
        this.keys = keys;
        this.counts = counts;
        this.types = types;
    }

    public static RandomUrls from(URI base) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        ObjectMapper json = new ObjectMapper();
        Map<String, List<String>> keys = new java.util.HashMap<>();
        Map<String, Integer> counts = new java.util.HashMap<>();
        for (String endpoint : List.of("pokemon", "pokemon-species", "move", "item", "ability", "location", "type")) {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(base.resolve("/api/v2/" + endpoint + "/?limit=100000")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            JsonNode page = json.readTree(r.body());
            List<String> k = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (JsonNode item : page.path("results")) {
                String url = item.path("url").asText();
                String trimmed = url.substring(0, url.length() - 1);
                k.add(trimmed.substring(trimmed.lastIndexOf('/') + 1));
                names.add(item.path("name").asText());
            }
            if (k.isEmpty()) {
                throw new IllegalStateException("the server lists no " + endpoint + " documents; import a corpus first");
            }
            keys.put(endpoint, endpoint.equals("type") ? names : k);
            counts.put(endpoint, page.path("count").asInt());
        }
        List<String> types = keys.get("type").stream().filter(t -> !t.equals("unknown") && !t.equals("shadow") && !t.equals("stellar")).toList();
        return new RandomUrls(keys, counts, types);
    }

    @Override
    public String get() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        int dice = r.nextInt(100);
        if (dice < 35) {
            return "/api/v2/pokemon/" + pick("pokemon") + "/";
        }
        if (dice < 55) {
            return "/api/v2/pokemon-species/" + pick("pokemon-species") + "/";
        }
        if (dice < 65) {
            return "/api/v2/move/" + pick("move") + "/";
        }
        if (dice < 75) {
            return "/api/v2/item/" + pick("item") + "/";
        }
        if (dice < 83) {
            String list = LISTS[r.nextInt(LISTS.length)];
            int limit = 20;
            return "/api/v2/" + list + "/?limit=" + limit + "&offset=" + r.nextInt(Math.max(1, counts.get(list) - limit));
        }
        if (dice < 95) {
            StringBuilder q = new StringBuilder("/pokedex/pokemon?type=").append(types.get(r.nextInt(types.size())))
                    .append("&generation=").append(1 + r.nextInt(9));
            String sort = SORTS[r.nextInt(SORTS.length)];
            if (!sort.isEmpty()) {
                q.append("&sort=").append(sort);
            }
            return q.toString();
        }
        return r.nextBoolean() ? "/pokedex/pokemon/" + pick("pokemon") : "/pokedex/species/" + pick("pokemon-species");
    }

    private String pick(String endpoint) {
        List<String> k = keys.get(endpoint);
        return k.get(ThreadLocalRandom.current().nextInt(k.size()));
    }
}
