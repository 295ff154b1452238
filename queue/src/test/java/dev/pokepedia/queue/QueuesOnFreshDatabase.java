package dev.pokepedia.queue;

import dev.pokepedia.core.Database;
import dev.pokepedia.testkit.OnFreshDatabase;

/**
 * A test class's own fresh database and one {@link Queues} client on it, opened before the class's tests and closed
 * after them. Register with {@code @RegisterExtension static QueuesOnFreshDatabase db = …}.
 */
final class QueuesOnFreshDatabase extends OnFreshDatabase {

    private Queues queues;

    @Override
    protected Queues open(Database database) {
        queues = Queues.open(database);
        return queues;
    }

    Queues queues() {
        return queues;
    }
}
