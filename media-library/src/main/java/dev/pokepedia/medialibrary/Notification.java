package dev.pokepedia.medialibrary;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Objects;

/**
 * A verified Cloudinary notification.
 *
 * @param type       {@code notification_type} ({@code upload}, {@code delete}, {@code rename}, …); may be unknown
 * @param signedAt   the verified {@code X-Cld-Timestamp}
 * @param requestId  the notification's {@code request_id} when it has one, else a digest of its signature
 * @param body       the parsed body
 */
public record Notification(String type, Instant signedAt, String requestId, JsonNode body) {
    public Notification {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(body, "body");
    }

    /** When the change happened: {@code notification_context.triggered_at}, else {@code timestamp}, else signedAt. */
    public Instant happenedAt() {
        for (JsonNode n : new JsonNode[] {body.path("notification_context").path("triggered_at"), body.path("timestamp")}) {
            if (n.isTextual()) {
                try {
                    return Instant.parse(n.asText());
                } catch (RuntimeException ignored) {
                    // fall through
                }
            }
        }
        return signedAt;
    }
}
