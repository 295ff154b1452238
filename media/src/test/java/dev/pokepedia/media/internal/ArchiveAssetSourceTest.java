package dev.pokepedia.media.internal;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pokepedia.corpus.SourceException;
import dev.pokepedia.media.Asset;
import dev.pokepedia.media.AssetSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveAssetSourceTest {

    @TempDir
    Path tmp;

    private static final AssetSource.AssetSink IGNORE = new AssetSource.AssetSink() {
        @Override
        public boolean alreadyHave(Asset a, String sourceStamp) {
            return false;
        }

        @Override
        public void found(Asset a, byte[] bytes) {
        }

        @Override
        public void missing(Asset a, String why) {
        }

        @Override
        public void failed(Asset a, String why) {
        }
    };

    @Test
    void an_empty_file_says_it_is_empty() throws Exception {
        Path empty = Files.createFile(tmp.resolve("sprites.tgz"));
        ArchiveAssetSource source = new ArchiveAssetSource(empty, 2, 1 << 20);

        assertThatThrownBy(source::prepare).isInstanceOf(SourceException.class).hasMessage(empty + " is empty (0 bytes)");
        assertThatThrownBy(() -> source.deliver(List.of(), IGNORE)).isInstanceOf(SourceException.class)
                .hasMessage(empty + " is empty (0 bytes)");
    }

    @Test
    void a_file_that_is_not_gzip_says_so() throws Exception {
        Path html = Files.writeString(tmp.resolve("cries.tar.gz"), "<html><body>Not Found</body></html>");

        assertThatThrownBy(() -> new ArchiveAssetSource(html, 2, 1 << 20).deliver(List.of(), IGNORE)).isInstanceOf(SourceException.class)
                .hasMessageStartingWith(html + " is not a gzip-compressed tar archive");
    }
}
