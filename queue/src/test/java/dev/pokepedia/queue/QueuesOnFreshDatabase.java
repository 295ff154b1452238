package dev.pokepedia.queue;

import dev.pokepedia.core.Database;
import dev.pokepedia.core.DatabaseConfig;
import dev.pokepedia.testkit.FreshDatabase;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test class's own fresh database ({@link FreshDatabase}) and one {@link Queues} client on it, opened before the
 * class's tests and closed after them. Register with {@code @RegisterExtension static QueuesOnFreshDatabase db = …}.
 */
final class QueuesOnFreshDatabase implements BeforeAllCallback, AfterAllCallback {

    private final FreshDatabase fresh = new FreshDatabase();
    private Queues queues;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        fresh.beforeAll(context);
        queues = Queues.open(fresh.database());
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            if (queues != null) {
                queues.close();
            }
        } finally {
            fresh.afterAll(context);
        }
    }

    Queues queues() {
        return queues;
    }

    Database database() {
        return fresh.database();
    }

    DatabaseConfig config() {
        return fresh.config();
    }
}
