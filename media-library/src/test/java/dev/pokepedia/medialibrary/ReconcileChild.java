package dev.pokepedia.medialibrary;

import dev.pokepedia.core.Database;
import dev.pokepedia.core.DatabaseConfig;
import dev.pokepedia.medialibrary.fake.FakeCloudinary;
import java.net.URI;

/** A reconcile in its own process, so a test can kill it with SIGKILL: args = jdbc url, user, fake base, batch size. */
public final class ReconcileChild {

    private ReconcileChild() {
    }

    public static void main(String[] args) {
        try (Database db = Database.open(new DatabaseConfig(args[0], args[1], null, DatabaseConfig.Origin.TEST), 2);
             MediaProvider provider = MediaProviders.cloudinary(new CloudinaryConfig(FakeCloudinary.CLOUD, FakeCloudinary.API_KEY,
                     FakeCloudinary.API_SECRET, URI.create(args[2]), null))) {
            ReconcileReport r = new MediaLibrary(db, provider).reconcile(ReconcileOptions.defaults().withBatchSize(Integer.parseInt(args[3])));
            System.out.println("complete=" + r.complete() + " added=" + r.added());
        }
    }
}
