package dev.pokepedia.queue;

import java.util.Objects;

/** A message to send: a JSON body and optional JSON headers (an object, or null). */
public record OutgoingMessage(String body, String headers) {
    public OutgoingMessage {
        Objects.requireNonNull(body, "body");
    }

    public static OutgoingMessage of(String body) {
        return new OutgoingMessage(body, null);
    }
}
