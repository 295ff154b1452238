package dev.pokepedia.media;

import dev.pokepedia.core.ConfigurationException;
import dev.pokepedia.media.internal.ArchiveAssetSource;
import dev.pokepedia.media.internal.FolderAssetSource;
import dev.pokepedia.media.internal.HttpAssetSource;
import dev.pokepedia.media.internal.HttpSourceOptions;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens the byte source named by {@code --sprites-source} / {@code --cries-source}. */
public final class AssetSources {

    private AssetSources() {
    }

    /**
     * {@code null} or {@code upstream}: each asset's own URL over HTTP; an http(s) URL: a mirror with the repository
     * layout under it; a folder; a {@code .tar.gz}/{@code .tgz} file.
     */
    public static AssetSource open(String spec, int concurrency, long maxBytes, int requestsPerMinute) {
        return open(spec, concurrency, maxBytes, requestsPerMinute, HttpSourceOptions.defaults().maxAttempts());
    }

    /** As {@link #open(String, int, long, int)}, with {@code httpAttempts} tries per asset over HTTP. */
    public static AssetSource open(String spec, int concurrency, long maxBytes, int requestsPerMinute, int httpAttempts) {
        HttpSourceOptions http = HttpSourceOptions.defaults().withConcurrency(concurrency).withMaxBytes(maxBytes)
                .withRequestsPerMinute(requestsPerMinute).withMaxAttempts(httpAttempts);
        if (spec == null || spec.isBlank() || spec.equals("upstream")) {
            return new HttpAssetSource(http);
        }
        if (spec.startsWith("http://") || spec.startsWith("https://")) {
            try {
                return new HttpAssetSource(http.withMirrorBase(URI.create(spec)));
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("Malformed media source URL '" + spec + "': " + e.getMessage(),
                        "Give an http(s) URL under which the repository layout (sprites/…, cries/…) is served");
            }
        }
        Path p = Path.of(spec);
        if (Files.isDirectory(p)) {
            return new FolderAssetSource(p, concurrency, maxBytes);
        }
        if (Files.isRegularFile(p)) {
            return new ArchiveAssetSource(p, concurrency, maxBytes);
        }
        throw new ConfigurationException("Media source '" + spec + "' does not exist",
                "Give a folder, a .tar.gz/.tgz, an http(s) mirror base URL, or 'upstream'");
    }
}
