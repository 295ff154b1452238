package dev.pokepedia.testkit;

import dev.pokepedia.core.Database;
import dev.pokepedia.core.DatabaseConfig;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test class's own {@link FreshDatabase} with something opened on it: {@link #open} runs once the database is
 * migrated, before the class's tests; what it opened is closed after them, before the database is dropped. Register
 * the subclass with {@code @RegisterExtension static … = new …()}.
 */
public abstract class OnFreshDatabase implements BeforeAllCallback, AfterAllCallback {

    private final FreshDatabase fresh = new FreshDatabase();
    private AutoCloseable opened;

    /** Opens what the tests use on the migrated {@code database}; the result is closed after the tests. */
    protected abstract AutoCloseable open(Database database) throws Exception;

    @Override
    public final void beforeAll(ExtensionContext context) throws Exception {
        fresh.beforeAll(context);
        opened = open(fresh.database());
    }

    @Override
    public final void afterAll(ExtensionContext context) throws Exception {
        try {
            if (opened != null) {
                opened.close();
            }
        } finally {
            fresh.afterAll(context);
        }
    }

    public Database database() {
        return fresh.database();
    }

    public DatabaseConfig config() {
        return fresh.config();
    }
}
