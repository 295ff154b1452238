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

    @Test
    void the_budget_allows_its_limit_then_says_how_long_until_the_window_closes() {
        assertThat(budget.tryAcquire()).isZero();
        advance(Duration.ofSeconds(10));
        assertThat(budget.tryAcquire()).isZero();
        assertThat(budget.tryAcquire()).isZero();
        assertThat(budget.tryAcquire()).isEqualTo(50);
        advance(Duration.ofMillis(49_001));
        assertThat(budget.tryAcquire()).as("rounded up").isEqualTo(1);
    }

    @Test
    void a_new_window_opens_with_the_first_request_after_the_old_one_closed() {
        for (int i = 0; i < 3; i++) {
            budget.tryAcquire();
        }
        advance(Duration.ofMinutes(5));
        assertThat(budget.tryAcquire()).isZero();
        advance(Duration.ofSeconds(59));
        assertThat(budget.tryAcquire()).isZero();
        assertThat(budget.tryAcquire()).isZero();
        assertThat(budget.tryAcquire()).isEqualTo(1);
    }

    @Test
    void refused_requests_do_not_use_up_the_next_window() {
        for (int i = 0; i < 10; i++) {
            budget.tryAcquire();
        }
        advance(Duration.ofMinutes(1));
        assertThat(budget.tryAcquire()).isZero();
        assertThat(budget.tryAcquire()).isZero();
        assertThat(budget.tryAcquire()).isZero();
        assertThat(budget.tryAcquire()).isPositive();
    }
}
