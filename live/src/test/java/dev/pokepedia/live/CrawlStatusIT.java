package dev.pokepedia.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pokepedia.testkit.FreshDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The crawler's progress as the dashboard gets it through serve (the server itself may not read live's tables). */
class CrawlStatusIT {

    @RegisterExtension
    static FreshDatabase db = new FreshDatabase();

    @Test
    void countsCrawledDocumentsTheNewestCheckAndThoseChangedInTheLastHour() throws Exception {
        CrawlStatus status = new CrawlStatus(db.database());
        assertThat(status.summary()).isEqualTo(new CrawlStatus.Summary(0, null, 0));

        try (Connection c = db.database().connection(); Statement st = c.createStatement()) {
            st.execute("""
                    INSERT INTO pokepedia_crawl_state (resource_type, resource_key, url, last_status, checked_at, changed_at) VALUES
                      ('pokemon', '1', 'u1', 200, now() - interval '3 hours', now() - interval '3 hours'),
                      ('pokemon', '2', 'u2', 304, now() - interval '10 minutes', now() - interval '2 hours'),
                      ('item', '1', 'u3', 200, now() - interval '5 minutes', now() - interval '5 minutes')""");
        }
        CrawlStatus.Summary s = status.summary();
        assertThat(s.documents()).isEqualTo(3);
        assertThat(s.changedLastHour()).isEqualTo(1);
        assertThat(s.lastCheckedAt()).isBetween(Instant.now().minus(Duration.ofMinutes(6)), Instant.now().minus(Duration.ofMinutes(4)));
    }
}
