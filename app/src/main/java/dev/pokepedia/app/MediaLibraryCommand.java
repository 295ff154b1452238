package dev.pokepedia.app;

import dev.pokepedia.core.ConfigurationException;
import dev.pokepedia.core.Database;
import dev.pokepedia.core.PokepediaException;
import dev.pokepedia.medialibrary.CloudinaryConfig;
import dev.pokepedia.medialibrary.MediaLibrary;
import dev.pokepedia.medialibrary.MediaProvider;
import dev.pokepedia.medialibrary.MediaProviders;
import dev.pokepedia.medialibrary.MediaPublisher;
import dev.pokepedia.medialibrary.PublishReport;
import dev.pokepedia.medialibrary.PublishTarget;
import dev.pokepedia.media.ObjectStore;
import dev.pokepedia.media.ObjectStores;
import dev.pokepedia.medialibrary.ReconcileOptions;
import dev.pokepedia.medialibrary.ReconcileReport;
import dev.pokepedia.medialibrary.S3LibraryConfig;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "media-library", mixinStandardHelpOptions = true,
        description = {"The media library catalog (a Cloudinary cloud or an S3 bucket mirrored into media_assets).",
                "Provider: CLOUDINARY_URL=cloudinary://KEY:SECRET@CLOUD (or CLOUDINARY_CLOUD_NAME/_API_KEY/_API_SECRET),",
                "or MEDIA_LIBRARY_S3_BUCKET with AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_ENDPOINT_URL."},
        subcommands = {MediaLibraryCommand.Sync.class, MediaLibraryCommand.Publish.class})
final class MediaLibraryCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        System.out.println("Use a subcommand: sync or publish (see pokepedia media-library <subcommand> --help)");
        return 0;
    }

    @Command(name = "sync", mixinStandardHelpOptions = true,
            description = {"Reconcile: list the provider and bring the catalog in line, page by page; a stopped run",
                    "(crash, rate limit, 5xx) resumes from its stored cursor. Assets gone from the provider are",
                    "tombstoned only after a complete listing. Exit 0 when complete, 4 when the run stopped early."})
    static final class Sync implements Callable<Integer> {
        @Mixin
        GlobalOptions global;

        @Option(names = "--provider", paramLabel = "cloudinary|s3",
                description = "Which provider; default: cloudinary when its variables are set, else s3.")
        String provider;

        @Option(names = {"--prefix", "--folder"}, paramLabel = "PREFIX", defaultValue = "",
                description = "Only public ids starting with this (a folder: 'team/').")
        String prefix;

        @Option(names = "--batch-size", defaultValue = "500", description = "Assets per page and transaction (1-500).")
        int batchSize;

        @Option(names = "--dry-run", description = "Print the diff; write nothing.")
        boolean dryRun;

        @Option(names = "--force", description = "Start over from the first page instead of resuming a stopped run.")
        boolean force;

        @Override
        public Integer call() throws Exception {
            var settings = global.settings();
            try (var opened = settings.openDatabase()) {
                return run(opened.db(), settings.env(), provider, options(), settings.json(), System.out);
            }
        }

        ReconcileOptions options() {
            try {
                return new ReconcileOptions(prefix, batchSize, dryRun, force, 0);
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("--" + e.getMessage(), "see pokepedia media-library sync --help");
            }
        }
    }

    /** Whether the environment configures a media library provider (Cloudinary or an S3 bucket). */
    static boolean configured(Map<String, String> env) {
        return env.containsKey("CLOUDINARY_URL") || env.containsKey("CLOUDINARY_CLOUD_NAME") || env.containsKey("MEDIA_LIBRARY_S3_BUCKET");
    }

    @Command(name = "publish", mixinStandardHelpOptions = true,
            description = {"Push the objects of one of our storage buckets (the mirrored sprites and cries) into a media",
                    "library, then reconcile the target prefix so the catalog shows them. Idempotent by SHA-256 (kept in",
                    "each asset's context): a rerun, also after a kill, sends only what is missing or changed.",
                    "Exit 0 when every object is published, 4 when some were refused (listed)."})
    static final class Publish implements Callable<Integer> {
        @Mixin
        GlobalOptions global;

        @Option(names = "--bucket", required = true, paramLabel = "BUCKET",
                description = "Our storage bucket to publish: pokedex-sprites or pokedex-cries.")
        String bucket;

        @Option(names = "--to", required = true, paramLabel = "TARGET",
                description = "cloudinary:<prefix> (the cloud of CLOUDINARY_URL) or s3:<bucket>/<prefix>.")
        String to;

        @Option(names = "--storage", paramLabel = "URL",
                description = "Where our buckets are (file:///… or s3://?endpoint=…). Default: $STORAGE_URL, else <data-dir>/storage.")
        String storage;

        @Option(names = "--concurrency", defaultValue = "8", description = "Uploads in flight (1-64).")
        int concurrency;

        @Option(names = "--dry-run", description = "Count what would be sent; send and write nothing.")
        boolean dryRun;

        @Override
        public Integer call() throws Exception {
            var settings = global.settings();
            PublishTarget target = target(to);
            try (var opened = settings.openDatabase();
                    ObjectStore store = ObjectStores.open(storage, settings.dataDir(), settings.env())) {
                return publish(opened.db(), settings.env(), store, bucket, target, concurrency, dryRun, settings.json(),
                        System.out);
            }
        }
    }

    static PublishTarget target(String spec) {
        try {
            return PublishTarget.parse(spec);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("--" + e.getMessage(), "e.g. --to cloudinary:pokedex/ or --to s3:media/pokedex/");
        }
    }

    /** The provider a publish target names: its S3 bucket replaces MEDIA_LIBRARY_S3_BUCKET. */
    static MediaProvider providerFor(Map<String, String> env, PublishTarget target) {
        if (target.bucket() == null) {
            return provider(env, target.kind(), true);
        }
        Map<String, String> withBucket = new java.util.HashMap<>(env);
        withBucket.put("MEDIA_LIBRARY_S3_BUCKET", target.bucket());
        return provider(withBucket, target.kind(), true);
    }

    static int publish(Database db, Map<String, String> env, ObjectStore store, String bucket, PublishTarget target,
            int concurrency, boolean dryRun, boolean json, PrintStream out) throws Exception {
        try (MediaProvider p = providerFor(env, target)) {
            MediaPublisher publisher;
            try {
                publisher = new MediaPublisher(new MediaLibrary(db, p), store, concurrency);
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("--" + e.getMessage(), "see pokepedia media-library publish --help");
            }
            PublishReport r = publisher.publish(bucket, target.prefix(), dryRun);
            if (json) {
                GlobalOptions.printJson(out, r);
            } else {
                out.printf("%s/%s -> %s %s%s: %d objects, %s %d, unchanged %d, failed %d%n", store.describe(), bucket,
                        p.kind(), p.cloud(), target.prefix().isEmpty() ? "" : " " + target.prefix(), r.listed(),
                        dryRun ? "would upload" : "uploaded", r.uploaded(), r.unchanged(), r.failed().size());
                r.failed().forEach((path, why) -> out.printf("  failed %s: %s%n", path, why));
                if (r.catalog() != null) {
                    out.printf("  catalog: added %d, updated %d, unchanged %d, deleted %d%s%n", r.catalog().added(),
                            r.catalog().updated(), r.catalog().unchanged(), r.catalog().deleted(),
                            r.catalog().complete() ? "" : " (stopped early: " + r.catalog().error() + "; rerun)");
                }
            }
            boolean ok = r.failed().isEmpty() && (r.catalog() == null || r.catalog().complete());
            return ok ? 0 : PokepediaException.ErrorCode.BAD_SOURCE.exitCode();
        }
    }

    /** The provider the environment configures; an S3 bucket must exist. Never prints credentials. */
    static MediaProvider provider(Map<String, String> env, String which) {
        return provider(env, which, false);
    }

    /** @param createBucket whether a missing S3 bucket is created (a publish target) or refused (sync, serve) */
    static MediaProvider provider(Map<String, String> env, String which, boolean createBucket) {
        String kind = which != null ? which
                : env.containsKey("CLOUDINARY_URL") || env.containsKey("CLOUDINARY_CLOUD_NAME") ? "cloudinary"
                : env.containsKey("MEDIA_LIBRARY_S3_BUCKET") ? "s3" : null;
        if (kind == null) {
            throw new ConfigurationException("no media library provider is configured",
                    "set CLOUDINARY_URL=cloudinary://KEY:SECRET@CLOUD, or MEDIA_LIBRARY_S3_BUCKET with AWS_ACCESS_KEY_ID,"
                            + " AWS_SECRET_ACCESS_KEY and AWS_ENDPOINT_URL");
        }
        return switch (kind) {
            case "cloudinary" -> MediaProviders.cloudinary(CloudinaryConfig.fromEnv(env));
            case "s3" -> createBucket ? MediaProviders.s3(S3LibraryConfig.fromEnv(env))
                    : MediaProviders.s3Existing(S3LibraryConfig.fromEnv(env));
            default -> throw new ConfigurationException("--provider must be cloudinary or s3, not '" + kind + "'", "");
        };
    }

    static int run(Database db, Map<String, String> env, String which, ReconcileOptions options, boolean json,
            PrintStream out) throws Exception {
        try (MediaProvider p = provider(env, which)) {
            ReconcileReport r = new MediaLibrary(db, p).reconcile(options);
            if (json) {
                GlobalOptions.printJson(out, r);
            } else {
                out.printf("%s %s%s: %s%s%n", p.kind(), p.cloud(), options.prefix().isEmpty() ? "" : " " + options.prefix(),
                        options.dryRun() ? "dry run, " : "", r.complete() ? "complete" : "stopped early");
                out.printf("  pages %d, listed %d: added %d, updated %d, unchanged %d, deleted %d%s%n", r.pages(), r.seen(),
                        r.added(), r.updated(), r.unchanged(), r.deleted(), r.resumed() ? " (resumed run " + r.runId() + ")" : "");
                for (var d : r.diff()) {
                    out.printf("  %-6s %-5s %s%n", d.change().name().toLowerCase(), d.type().wire(), d.publicId());
                }
                if (options.dryRun() && r.complete() && r.nothingToDo()) {
                    out.println("  nothing to do: the catalog matches the provider");
                }
                if (r.error() != null) {
                    out.println("  stopped: " + r.error());
                    out.println("  rerun to resume from the stored cursor");
                }
            }
            return r.complete() ? 0 : PokepediaException.ErrorCode.BAD_SOURCE.exitCode();
        }
    }
}
