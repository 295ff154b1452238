package dev.pokepedia.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pokepedia.media.Asset;
import dev.pokepedia.media.AssetKind;
import dev.pokepedia.media.AssetSource;
import dev.pokepedia.media.MirrorEngine;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
    void a_kind_counted_in_files_has_a_total_and_shows_its_byte_rate() {
        ProgressView.Snapshot s = MirrorProgressText.snapshot(progress(-1, 50, 200, 5_000_000), Duration.ofSeconds(10));

        assertThat(s).isEqualTo(new ProgressView.Snapshot(50, 200, "0.5 MB/s"));
    }

    @Test
    void an_archive_has_no_file_total_and_takes_its_time_left_from_the_share_of_it_read() {
        ProgressView.Snapshot s = MirrorProgressText.snapshot(progress(0.8, 1_000, 54_238, 20_000_000), Duration.ofSeconds(40));

        assertThat(s).isEqualTo(new ProgressView.Snapshot(1_000, -1, "0.5 MB/s, archive 80% read, ETA 0:10"));
    }

    @Test
    void one_part_per_kind_named_in_the_plural_and_empty_until_the_run_starts() {
        Map<AssetKind, MirrorEngine.Progress> live = new ConcurrentHashMap<>();
        List<ProgressView.Part> parts = MirrorProgressText.parts(List.of(AssetKind.SPRITE, AssetKind.CRY), live, () -> Duration.ofSeconds(2));

        assertThat(parts).extracting(ProgressView.Part::name).containsExactly("cries", "sprites");
        assertThat(parts.get(1).source().get()).isEqualTo(new ProgressView.Snapshot(0, -1, ""));

        live.put(AssetKind.SPRITE, progress(-1, 3, 4, 2_000_000));
        assertThat(parts.get(1).source().get()).isEqualTo(new ProgressView.Snapshot(3, 4, "1.0 MB/s"));
    }
}
