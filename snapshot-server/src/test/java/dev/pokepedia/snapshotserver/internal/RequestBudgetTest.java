package dev.pokepedia.snapshotserver.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RequestBudgetTest {

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-07-10T00:00:00Z"));
    private final Faults.RequestBudget budget = new Faults.RequestBudget(3, Duration.ofMinutes(1), now::get);

    private void advance(Duration d) {
        now.updateAndGet(t -> t.plus(d));
    }

    /** The next {@code n} requests are all let through. */
    private void assertAllowed(int n) {
        for (int i = 1; i <= n; i++) {
            assertThat(budget.tryAcquire()).as("request %d of %d", i, n).isZero();
        }
    }

    private void request(int n) {
        for (int i = 0; i < n; i++) {
            budget.tryAcquire();
        }
    }

    @Test
    void the_budget_allows_its_limit_then_says_how_long_until_the_window_closes() {
        assertAllowed(1);
        advance(Duration.ofSeconds(10));
        assertAllowed(2);
        assertThat(budget.tryAcquire()).isEqualTo(50);
        advance(Duration.ofMillis(49_001));
        assertThat(budget.tryAcquire()).as("rounded up").isEqualTo(1);
    }

    @Test
    void a_new_window_opens_with_the_first_request_after_the_old_one_closed() {
        request(3);
        advance(Duration.ofMinutes(5));
        assertAllowed(1);
        advance(Duration.ofSeconds(59));
        assertAllowed(2);
        assertThat(budget.tryAcquire()).isEqualTo(1);
    }

    @Test
    void refused_requests_do_not_use_up_the_next_window() {
        request(10);
        advance(Duration.ofMinutes(1));
        assertAllowed(3);
        assertThat(budget.tryAcquire()).isPositive();
    }
}
