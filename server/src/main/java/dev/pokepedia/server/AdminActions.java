package dev.pokepedia.server;

import java.util.List;
import java.util.Optional;

/**
 * Operator actions the dashboard triggers that belong to other parts of the system (the crawler's seed, the verifier,
 * the scheduler). {@code serve} wires what it has; anything left {@link #notWired() unwired} answers 501 with a message
 * saying so. Implementations may block; the dashboard runs them off the request thread.
 */
public interface AdminActions {

    /** Enqueues crawl work for the given endpoint names (empty = all); returns how many messages were sent. */
    long seed(List<String> types);

    /** Runs a verification and returns its one-paragraph summary. */
    String runVerify();

    /** Turns a schedule on or off. */
    void setScheduleEnabled(String name, boolean enabled);

    /** The schedules and how their last runs went, by name; none where no scheduler is wired. */
    default List<ScheduleSummary> schedules() {
        return List.of();
    }

    /** How far the crawler is; empty where no crawler is wired (the dashboard then shows no crawler line). */
    default Optional<CrawlSummary> crawl() {
        return Optional.empty();
    }

    /** Actions that are not available in this process: each throws {@link ActionUnavailableException}. */
    static AdminActions notWired() {
        return new AdminActions() {
            @Override
            public long seed(List<String> types) {
                throw new ActionUnavailableException("seed");
            }

            @Override
            public String runVerify() {
                throw new ActionUnavailableException("verify");
            }

            @Override
            public void setScheduleEnabled(String name, boolean enabled) {
                throw new ActionUnavailableException("schedule " + (enabled ? "enable" : "disable"));
            }
        };
    }
}
