package dev.pokepedia.queue;

import java.time.Instant;

/** A queue as listed by {@link Queues#list()}. */
public record QueueInfo(String name, QueueSettings settings, Instant createdAt) {
}
