package dev.pokepedia.sync.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pokepedia.core.DatabaseConfig;
import dev.pokepedia.core.PgListener;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LISTENs on {@value #CHANNEL} with one dedicated connection per process (core's {@link PgListener}, which also
 * reconnects) and hands each notification ({@code {"user": …, "version": …}}, sent by sync_apply on commit) to that
 * user's subscribers. Works across processes because the notification comes from Postgres.
 */
public final class ChangeFeed implements AutoCloseable {

    public static final String CHANNEL = "pokepedia_sync";
    private static final Logger log = LoggerFactory.getLogger(ChangeFeed.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Set<LongConsumer>> subscribers = new ConcurrentHashMap<>();
    private final PgListener listener;

    public ChangeFeed(DatabaseConfig config) {
        // why nothing on listening() after a loss (as before): a stream announces only the pushes seen while listening;
        // one missed meanwhile reaches the client with the next push or its own pull
        this.listener = new PgListener(config, List.of(CHANNEL), "sync changes", PgListener.RECONNECT,
                (channel, payload) -> dispatch(payload));
    }

    /** Starts the listener and waits up to {@code timeout} for its first LISTEN; returns whether it listens. */
    public boolean start(Duration timeout) {
        return listener.start(timeout);
    }

    public boolean listening() {
        return listener.listening();
    }

    public AutoCloseable subscribe(String user, LongConsumer onVersion) {
        subscribers.computeIfAbsent(user, u -> ConcurrentHashMap.newKeySet()).add(onVersion);
        return () -> subscribers.computeIfPresent(user, (u, set) -> {
            set.remove(onVersion);
            return set.isEmpty() ? null : set;
        });
    }

    public int subscriberCount() {
        return subscribers.values().stream().mapToInt(Set::size).sum();
    }

    void dispatch(String payload) {
        try {
            JsonNode n = JSON.readTree(payload);
            Set<LongConsumer> set = subscribers.get(n.path("user").asText());
            if (set != null) {
                long version = n.path("version").asLong();
                for (LongConsumer c : set) {
                    try {
                        c.accept(version);
                    } catch (RuntimeException e) {
                        log.debug("a change subscriber failed: {}", e.toString());
                    }
                }
            }
        } catch (java.io.IOException e) {
            log.warn("ignoring a malformed {} notification: {}", CHANNEL, e.getMessage());
        }
    }

    @Override
    public void close() {
        listener.close();
    }
}
