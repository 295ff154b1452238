package dev.pokepedia.queue;

import java.time.Instant;

/** Messages of a queue finished (deleted or archived) in one minute; minutes without any have no row. */
public record QueueThroughput(Instant minute, long processed) {
}
