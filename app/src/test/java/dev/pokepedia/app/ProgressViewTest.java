package dev.pokepedia.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProgressViewTest {

    private static ProgressView.Part part(String name, String unit, long unitSize) {
        return new ProgressView.Part(name, unit, unitSize, () -> {
            throw new AssertionError("plainText is given its snapshot");
        });
    }

    @Test
    void a_plain_line_with_a_total_shows_share_amount_rate_and_time_left() {
        String line = ProgressView.plainText(part("sprites", " files", 1), new ProgressView.Snapshot(1_000, 4_000, "6.1 MB/s"),
                Duration.ofSeconds(10));

        assertThat(line).isEqualTo("sprites 25% 1000/4000 files, 100 files/s, ETA 0:30 · 6.1 MB/s");
    }

    @Test
    void a_plain_line_scales_its_unit_and_leaves_out_what_it_cannot_know() {
        String line = ProgressView.plainText(part("import", "MB", 1 << 20), new ProgressView.Snapshot(3L << 20, -1, ""),
                Duration.ofSeconds(2));

        assertThat(line).isEqualTo("import 3MB, 1.5MB/s");
    }
}
