package dev.pokepedia.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pokepedia.media.Asset;
import dev.pokepedia.media.AssetSource;
import dev.pokepedia.media.MirrorEngine;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class MirrorProgressTextTest {

    /** A source whose stream progress is fixed: -1 for a folder or HTTP source, 0..1 for an archive read so far. */
    private record Fixed(double readFraction) implements AssetSource {
        @Override
        public String describe() {
            return "fixed";
        }

        @Override
        public void deliver(Collection<Asset> wanted, AssetSink sink) {
            throw new UnsupportedOperationException("not delivered in this test");
        }
    }

    private static MirrorEngine.Progress progress(double readFraction, long done, long total, long bytes) {
        MirrorEngine.Progress p = new MirrorEngine.Progress(new Fixed(readFraction));
        p.done.set(done);
        p.total.set(total);
        p.bytes.set(bytes);
        return p;
    }

    @Test
    void a_kind_counted_in_files_shows_its_share_rates_and_time_left() {
        String line = MirrorProgressText.kind("sprite", progress(-1, 50, 200, 5_000_000), Duration.ofSeconds(10));

        assertThat(line).isEqualTo("sprites 25% 50 files 5/s 0.5 MB/s ETA 0:30");
    }

    @Test
    void an_archive_shows_the_share_of_it_read_not_of_the_files_it_was_asked_for() {
        String line = MirrorProgressText.kind("cry", progress(0.8, 1_000, 54_238, 20_000_000), Duration.ofSeconds(40));

        assertThat(line).isEqualTo("cries 80% 1000 files 25/s 0.5 MB/s ETA 0:10");
    }

    @Test
    void before_the_work_is_known_there_is_no_share_and_no_time_left() {
        String line = MirrorProgressText.kind("sprite", progress(-1, 0, 0, 0), Duration.ofSeconds(1));

        assertThat(line).isEqualTo("sprites 0 files 0/s 0.0 MB/s");
    }

    @Test
    void the_bar_has_a_total_only_when_every_kind_counts_in_files() {
        Map<String, MirrorEngine.Progress> folders = new LinkedHashMap<>();
        folders.put("sprite", progress(-1, 30, 100, 0));
        folders.put("cry", progress(-1, 10, 50, 0));
        Map<String, MirrorEngine.Progress> withArchive = new LinkedHashMap<>(folders);
        withArchive.put("cry", progress(0.5, 10, 2_000, 0));

        ProgressView.Snapshot files = MirrorProgressText.snapshot(folders, Duration.ofSeconds(5));
        ProgressView.Snapshot mixed = MirrorProgressText.snapshot(withArchive, Duration.ofSeconds(5));

        assertThat(files.done()).isEqualTo(40);
        assertThat(files.total()).isEqualTo(150);
        assertThat(files.status()).startsWith("sprites 30% ").contains(" | cries 20% ");
        assertThat(mixed.total()).isEqualTo(-1);
        assertThat(mixed.status()).contains(" | cries 50% ");
    }
}
