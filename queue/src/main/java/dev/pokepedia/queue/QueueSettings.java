package dev.pokepedia.queue;

import dev.pokepedia.core.ConfigurationException;

/**
 * Settings stored with a queue.
 *
 * @param maxReads a plain {@link Queues#read} dead-letters, instead of returning, a message that has already been read
 *                 this many times (its readers never deleted it: they crashed or gave up); 0 = never
 */
public record QueueSettings(int maxReads) {

    public static final QueueSettings DEFAULT = new QueueSettings(0);

    public QueueSettings {
        if (maxReads < 0) {
            throw new ConfigurationException("Queue setting maxReads must be 0 (never dead-letter) or positive, got " + maxReads,
                    "Pass the number of reads after which an undeleted message is dead-lettered.");
        }
    }
}
