package dev.pokepedia.server.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pokepedia.core.Database;
import dev.pokepedia.media.ObjectStore;
import io.javalin.http.Context;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;

/** {@code /healthz}: the process answers. {@code /readyz}: the database and the storage answer too. */
public final class Health {

    private final Database db;
    private final ObjectStore store;
    private final Path folder;

    /** @param store may be null (no storage configured); @param folder the folder backend's root, or null */
    public Health(Database db, ObjectStore store, Path folder) {
        this.db = db;
        this.store = store;
        this.folder = folder;
    }

    public void alive(Context ctx) {
        Responder.json(ctx, 200, Json.bytes(Json.object().put("status", "ok")));
    }

    public void ready(Context ctx) {
        ObjectNode body = Json.object();
        String dbProblem = checkDatabase();
        String storageProblem = checkStorage();
        body.put("database", dbProblem == null ? "ok" : dbProblem);
        body.put("storage", storageProblem == null ? "ok" : storageProblem);
        boolean ok = dbProblem == null && storageProblem == null;
        body.put("status", ok ? "ready" : "not ready");
        Responder.json(ctx, ok ? 200 : 503, Json.bytes(body));
    }

    private String checkDatabase() {
        try (Connection c = db.connection(); Statement st = c.createStatement()) {
            st.setQueryTimeout(2);
            st.execute("SELECT 1 FROM pokeapi_resources LIMIT 1");
            return null;
        } catch (Exception e) {
            return "unavailable: " + Text.clip(e.getMessage());
        }
    }

    private String checkStorage() {
        if (store == null) {
            return null; // why: serving the API needs no storage; nothing configured is not a failure
        }
        try {
            if (folder != null) {
                return Files.isDirectory(folder) && Files.isReadable(folder) ? null : "folder " + folder + " is missing or unreadable";
            }
            store.head("pokedex-sprites", ".readyz-probe"); // any answer, even "absent", proves the backend is reachable
            return null;
        } catch (Exception e) {
            return "unavailable: " + Text.clip(e.getMessage());
        }
    }
}
