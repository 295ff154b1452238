package dev.pokepedia.syncclient.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Supplier;

/** The /sync/v1 wire calls over java.net.http. */
public final class SyncHttp {

    /** A non-200 answer: status plus the protocol's error code and message. */
    public static final class StatusException extends Exception {
        private final int status;
        private final String error;

        public StatusException(int status, String error, String message) {
            super(status + " " + error + ": " + message);
            this.status = status;
            this.error = error;
        }

        public int status() {
            return status;
        }

        public String error() {
            return error;
        }
    }

    private final HttpClient client;
    private final URI base;
    private final Supplier<String> token;
    private final Duration timeout;

    public SyncHttp(URI base, Supplier<String> token, Duration timeout) {
        String s = base.toString();
        this.base = URI.create(s.endsWith("/") ? s : s + "/");
        this.token = token;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1).build();
    }

    public JsonNode post(String path, byte[] body) throws IOException, StatusException, InterruptedException {
        HttpRequest req = request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return send(req);
    }

    public JsonNode pull(String since, int limit) throws IOException, StatusException, InterruptedException {
        return send(request("sync/v1/pull?since=" + URLEncoder.encode(since, StandardCharsets.UTF_8) + "&limit=" + limit).GET().build());
    }

    /**
     * Follows the server-sent events stream until it ends or fails: calls {@code onChange} for every {@code change}
     * event. Returns normally when the stream ended; a 404 means the server has no event stream.
     */
    public void events(Runnable onChange) throws IOException, StatusException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(base.resolve("sync/v1/events")).header("Authorization", "Bearer " + token.get())
                .header("Accept", "text/event-stream").GET().build();
        HttpResponse<java.util.stream.Stream<String>> resp = client.send(req, HttpResponse.BodyHandlers.ofLines());
        if (resp.statusCode() != 200) {
            resp.body().close();
            throw new StatusException(resp.statusCode(), "http_" + resp.statusCode(), req.uri().getPath());
        }
        try (java.util.stream.Stream<String> lines = resp.body()) {
            String[] event = {""};
            lines.forEach(line -> {
                if (line.startsWith("event:")) {
                    event[0] = line.substring(6).trim();
                } else if (line.startsWith("data:") && event[0].equals("change")) {
                    onChange.run();
                } else if (line.isEmpty()) {
                    event[0] = "";
                }
            });
        }
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
                .header("Authorization", "Bearer " + token.get()).header("Accept", "application/json");
    }

    private JsonNode send(HttpRequest req) throws IOException, StatusException, InterruptedException {
        HttpResponse<byte[]> resp = client.send(req, HttpResponse.BodyHandlers.ofByteArray());
        String text = new String(resp.body(), StandardCharsets.UTF_8);
        if (resp.statusCode() == 200) {
            try {
                return Json.MAPPER.readTree(text);
            } catch (IOException e) {
                throw new StatusException(502, "malformed_response", req.uri().getPath() + " answered 200 with a body that is not JSON");
            }
        }
        String error = "http_" + resp.statusCode();
        String message = text.length() > 300 ? text.substring(0, 300) : text;
        try {
            JsonNode n = Json.MAPPER.readTree(text);
            if (n != null && n.hasNonNull("error")) {
                error = n.get("error").asText();
                message = n.path("message").asText(message);
            }
        } catch (IOException ignored) {
            // why: a proxy's HTML error page; keep its first characters as the message
        }
        throw new StatusException(resp.statusCode(), error, req.uri().getPath() + ": " + message);
    }
}
