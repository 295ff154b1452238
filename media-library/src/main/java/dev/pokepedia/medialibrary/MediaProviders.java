package dev.pokepedia.medialibrary;

import dev.pokepedia.medialibrary.internal.CloudinaryProvider;
import dev.pokepedia.medialibrary.internal.RateLimitGovernor;
import dev.pokepedia.medialibrary.internal.S3Provider;
import java.time.Clock;
import java.time.Duration;

/** Builds providers. */
public final class MediaProviders {

    /** Waits for a rate-limit reset longer than this are not done in place: the sync stops and resumes later. */
    public static final Duration DEFAULT_MAX_RATE_LIMIT_WAIT = Duration.ofMinutes(5);

    private MediaProviders() {
    }

    public static MediaProvider cloudinary(CloudinaryConfig config) {
        return cloudinary(config, Clock.systemUTC(), Sleeper.REAL, DEFAULT_MAX_RATE_LIMIT_WAIT);
    }

    public static MediaProvider cloudinary(CloudinaryConfig config, Clock clock, Sleeper sleeper, Duration maxWait) {
        return new CloudinaryProvider(config, new RateLimitGovernor(clock, sleeper, maxWait));
    }

    /** An S3 bucket as a media library; the bucket is created when missing (a publish target, tests). */
    public static MediaProvider s3(S3LibraryConfig config) {
        return s3(config, S3Provider::ensureBucket);
    }

    /**
     * An existing S3 bucket as a media library (sync, serve): a missing bucket is refused with a
     * {@link dev.pokepedia.core.ConfigurationException} naming it, and never created.
     */
    public static MediaProvider s3Existing(S3LibraryConfig config) {
        return s3(config, S3Provider::requireBucket);
    }

    private static MediaProvider s3(S3LibraryConfig config, java.util.function.Consumer<S3Provider> bucketCheck) {
        S3Provider p = new S3Provider(config);
        try {
            bucketCheck.accept(p);
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
        return p;
    }
}
