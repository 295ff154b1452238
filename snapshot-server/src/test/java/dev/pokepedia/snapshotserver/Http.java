package dev.pokepedia.snapshotserver;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pokepedia.testkit.TestRequests;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A plain HTTP client for the tests: no redirects followed, no decompression, so tests see the wire. */
final class Http {

    private static final HttpClient CLIENT = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private Http() {
    }

    /** GET with alternating header names and values. */
    static HttpResponse<byte[]> get(URI uri, String... headers) {
        return send(HttpRequest.newBuilder(uri).GET(), headers);
    }

    static HttpResponse<byte[]> send(HttpRequest.Builder request, String... headers) {
        return TestRequests.send(CLIENT, request.timeout(Duration.ofSeconds(30)), headers);
    }

    static JsonNode json(HttpResponse<byte[]> response) {
        return Minis.json(response.body());
    }
}
