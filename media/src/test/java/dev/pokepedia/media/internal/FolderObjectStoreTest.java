package dev.pokepedia.media.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderObjectStoreTest {

    @TempDir
    Path tmp;

    @Test
    void names_the_folder_the_same_before_and_after_it_exists() throws Exception {
        Path root = tmp.resolve("storage");
        String before = new FolderObjectStore(root).describe();
        Files.createDirectories(root);
        String after = new FolderObjectStore(root).describe();

        assertThat(before).isEqualTo(after).isEqualTo(root.toUri().toString().replaceAll("/$", ""));
    }

    @Test
    void the_file_system_root_keeps_its_slash() {
        assertThat(new FolderObjectStore(Path.of("/")).describe()).isEqualTo("file:///");
    }
}
