package dev.pokepedia.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** How the tests' HTTP helpers send a request: headers given as alternating names and values, failures unchecked. */
public final class TestRequests {

    private TestRequests() {
    }

    /** Adds {@code headers} (name, value, name, value, …) to {@code request} and sends it; the body comes back as bytes. */
    public static HttpResponse<byte[]> send(HttpClient client, HttpRequest.Builder request, String... headers) {
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
