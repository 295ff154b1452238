package dev.pokepedia.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** /openapi.json documents exactly the media library routes the server registers, with their parameters. */
class MediaRoutesOpenApiTest {

    private static final Pattern PATH_PARAM = Pattern.compile("\\{([^}]+)}");

    private static JsonNode document() throws Exception {
        try (InputStream in = OpenApi.class.getResourceAsStream(OpenApi.RESOURCE)) {
            return Json.MAPPER.readTree(in);
        }
    }

    @Test
    void every_registered_media_route_is_documented_with_its_path_parameters_and_security() throws Exception {
        JsonNode paths = document().path("paths");
        assertThat(MediaLibraryRoutes.ROUTES).hasSizeGreaterThanOrEqualTo(10);
        for (MediaLibraryRoutes.Route r : MediaLibraryRoutes.ROUTES) {
            String what = r.method() + " " + r.path();
            JsonNode op = paths.path(r.path()).path(r.method().name().toLowerCase(Locale.ROOT));
            assertThat(op.isObject()).as(what + " is in /openapi.json").isTrue();
            assertThat(op.path("operationId").asText()).as(what + " operationId").isNotBlank();
            assertThat(op.path("responses").isObject()).as(what + " responses").isTrue();
            Matcher m = PATH_PARAM.matcher(r.path());
            while (m.find()) {
                assertThat(parameters(op, "path")).as(what + " documents its path parameter").contains(m.group(1));
            }
            boolean webhook = r.path().contains("/webhooks/");
            assertThat(op.path("security").toString()).as(what + " security")
                    .isEqualTo(webhook ? "[]" : "[{\"mediaToken\":[]}]");
        }
    }

    @Test
    void the_documented_query_parameters_are_the_ones_the_routes_accept() throws Exception {
        JsonNode media = document().path("paths").path("/api/media");
        assertThat(new HashSet<>(parameters(media.path("get"), "query"))).isEqualTo(MediaLibraryRoutes.LIST_PARAMS);
        assertThat(new HashSet<>(parameters(media.path("delete"), "query"))).isEqualTo(MediaLibraryRoutes.DELETE_MANY_PARAMS);
        Set<String> syncFields = new HashSet<>();
        document().path("paths").path("/api/media/sync").path("post").path("requestBody").path("content")
                .path("application/json").path("schema").path("properties").fieldNames().forEachRemaining(syncFields::add);
        assertThat(syncFields).isEqualTo(MediaLibraryRoutes.SYNC_FIELDS);
    }

    @Test
    void nothing_is_documented_under_api_media_that_the_server_does_not_serve() throws Exception {
        Set<String> registered = new HashSet<>();
        MediaLibraryRoutes.ROUTES.forEach(r -> registered.add(r.method().name().toLowerCase(Locale.ROOT) + " " + r.path()));
        List<String> documented = new ArrayList<>();
        document().path("paths").properties().forEach(p -> {
            if (p.getKey().startsWith("/api/media")) {
                p.getValue().fieldNames().forEachRemaining(method -> documented.add(method + " " + p.getKey()));
            }
        });
        assertThat(documented).containsExactlyInAnyOrderElementsOf(registered);
    }

    private static List<String> parameters(JsonNode op, String in) {
        List<String> out = new ArrayList<>();
        op.path("parameters").forEach(p -> {
            if (p.path("in").asText().equals(in)) {
                out.add(p.path("name").asText());
            }
        });
        return out;
    }
}
