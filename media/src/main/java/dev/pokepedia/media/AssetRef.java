package dev.pokepedia.media;

/** Where an asset lives in storage: its bucket and its path inside it. */
public record AssetRef(String bucket, String path) {

    @Override
    public String toString() {
        return bucket + "/" + path;
    }
}
