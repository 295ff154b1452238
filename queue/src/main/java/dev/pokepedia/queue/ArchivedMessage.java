package dev.pokepedia.queue;

import java.time.Instant;

/** A message moved out of the hot table: archived on purpose, or dead-lettered (with the last error it recorded). */
public record ArchivedMessage(long id, String queue, int readCount, Instant enqueuedAt, Instant archivedAt,
                              boolean deadLettered, String body, String headers, String lastError) {
}
