package dev.pokepedia.media;

import dev.pokepedia.core.ConfigurationException;
import dev.pokepedia.media.internal.FolderObjectStore;
import dev.pokepedia.media.internal.S3Config;
import dev.pokepedia.media.internal.S3ObjectStore;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/** Opens the storage backend named by {@code --storage} / {@code STORAGE_URL}. */
public final class ObjectStores {

    private ObjectStores() {
    }

    /**
     * {@code file:///path} (objects at {@code <path>/<bucket>/<object path>}); {@code s3://?endpoint=…&region=…}
     * (credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY); null: a folder {@code storage} in the data directory.
     */
    public static ObjectStore open(String url, Path dataDir, Map<String, String> env) {
        String spec = url != null && !url.isBlank() ? url : env.get("STORAGE_URL");
        if (spec == null || spec.isBlank()) {
            return new FolderObjectStore(dataDir.resolve("storage"));
        }
        if (spec.startsWith("file:")) {
            return new FolderObjectStore(Path.of(URI.create(spec)));
        }
        if (spec.startsWith("s3:")) {
            return new S3ObjectStore(S3Config.parse(spec, env));
        }
        throw new ConfigurationException("Unknown storage URL '" + spec + "'",
                "Use file:///absolute/folder or s3://?endpoint=https://host&region=us-east-1 (credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)");
    }

    /** Public URL of an object, Supabase shape: {@code {base}/storage/v1/object/public/{bucket}/{path}}. */
    public static String publicUrl(String base, String bucket, String path) {
        String b = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        return b + "/storage/v1/object/public/" + bucket + "/" + path;
    }
}
