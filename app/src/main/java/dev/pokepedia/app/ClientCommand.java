package dev.pokepedia.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pokepedia.core.PokepediaException;
import dev.pokepedia.syncclient.Backups;
import dev.pokepedia.syncclient.Conflict;
import dev.pokepedia.syncclient.ConflictStrategy;
import dev.pokepedia.syncclient.Entity;
import dev.pokepedia.syncclient.EntityRegistry;
import dev.pokepedia.syncclient.IntegrityReport;
import dev.pokepedia.syncclient.LocalStore;
import dev.pokepedia.syncclient.OpStatus;
import dev.pokepedia.syncclient.OutboxOp;
import dev.pokepedia.syncclient.Query;
import dev.pokepedia.syncclient.StoreStats;
import dev.pokepedia.syncclient.SyncClient;
import dev.pokepedia.syncclient.SyncClientException;
import dev.pokepedia.syncclient.SyncConfig;
import dev.pokepedia.syncclient.SyncResult;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code pokepedia client}: try the offline-first client library against a store file and a server. */
@Command(name = "client", mixinStandardHelpOptions = true,
        description = {"An offline-first client store (SQLite) synced with a `pokepedia serve` through /sync/v1.",
                "Edits are written with their outbox operation in one transaction; they are pushed at once unless --offline."},
        subcommands = {ClientCommand.Save.class, ClientCommand.Delete.class, ClientCommand.ListCmd.class, ClientCommand.Sync.class,
                ClientCommand.Status.class, ClientCommand.Conflicts.class, ClientCommand.Resolve.class, ClientCommand.Backup.class,
                ClientCommand.Restore.class, ClientCommand.Verify.class})
final class ClientCommand {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--store", paramLabel = "FILE", required = true, description = "The client store file (created if missing).")
    Path store;

    @Option(names = "--server", paramLabel = "URL", defaultValue = "${env:POKEPEDIA_SERVER}",
            description = "Server base URL (default: $POKEPEDIA_SERVER).")
    String server;

    @Option(names = "--token", paramLabel = "JWT", defaultValue = "${env:POKEPEDIA_TOKEN}",
            description = "Bearer token (default: $POKEPEDIA_TOKEN). Never printed.")
    String token;

    @Option(names = "--offline", description = "Only queue changes; make no network call.")
    boolean offline;

    @Option(names = "--strategy", paramLabel = "S", defaultValue = "newest-wins",
            description = "Conflict strategy: local-wins, remote-wins, newest-wins, manual, merge (default: newest-wins).")
    String strategy;

    @Option(names = "--type-strategy", paramLabel = "TYPE=S", description = "Conflict strategy of one type, e.g. players=merge (repeatable).")
    java.util.Map<String, String> typeStrategies = new java.util.LinkedHashMap<>();

    @Option(names = "--json", description = "Print results as JSON.")
    boolean json;

    LocalStore open() {
        return LocalStore.open(store, EntityRegistry.reference());
    }

    SyncClient client(LocalStore s) {
        if (server == null || server.isBlank()) {
            throw new PokepediaException(PokepediaException.ErrorCode.CONFIGURATION, "no server to sync with",
                    "give --server URL or set POKEPEDIA_SERVER, or use --offline", null);
        }
        if (token == null || token.isBlank()) {
            throw new PokepediaException(PokepediaException.ErrorCode.CONFIGURATION, "no token for " + server,
                    "give --token JWT or set POKEPEDIA_TOKEN", null);
        }
        String t = token;
        SyncConfig cfg = SyncConfig.defaults(URI.create(server), () -> t).withAutoSync(false).withStrategy(ConflictStrategy.parse(strategy));
        for (var e : typeStrategies.entrySet()) {
            cfg = cfg.withStrategy(e.getKey(), ConflictStrategy.parse(e.getValue()));
        }
        return SyncClient.create(s, cfg);
    }

    /** Pushes and pulls once unless offline; the exit code says whether the server was reached. */
    int syncNow(LocalStore s) {
        if (offline) {
            System.out.println("queued (offline): " + s.outbox().count(OpStatus.PENDING) + " operation(s) pending");
            return 0;
        }
        try (SyncClient c = client(s)) {
            SyncResult r = c.sync();
            if (json) {
                ObjectNode n = JSON.createObjectNode();
                n.put("pushed", r.pushed()).put("failed", r.failed()).put("pulled", r.pulled()).put("conflicts", r.conflicts())
                        .put("requests", r.requests()).put("online", r.online()).put("error", r.error().orElse(null));
                System.out.println(n);
            } else {
                System.out.printf("pushed %d, failed %d, pulled %d, conflicts %d (%d request(s))%s%n", r.pushed(), r.failed(), r.pulled(),
                        r.conflicts(), r.requests(), r.error().map(e -> "; stopped: " + e).orElse(""));
            }
            if (r.error().isPresent()) {
                return r.online() ? PokepediaException.ErrorCode.CONFIGURATION.exitCode() : PokepediaException.ErrorCode.DATABASE_UNAVAILABLE.exitCode();
            }
            if (r.failed() > 0) {
                // why non-zero: a script must not take "the server refused my changes" for a clean sync
                for (OutboxOp op : s.outbox().list(OpStatus.PENDING, OpStatus.FAILED)) {
                    if (op.attempts() > 0 && op.lastError().filter(e -> !e.isEmpty()).isPresent()) {
                        System.out.printf("  failed: %s %s %s (attempt %d, %s): %s%n", op.kind().name().toLowerCase(java.util.Locale.ROOT),
                                op.type(), op.entityId(), op.attempts(), op.status() == OpStatus.FAILED ? "given up" : "kept for a retry",
                                op.lastError().get());
                    }
                }
                return PokepediaException.ErrorCode.INVALID_DOCUMENTS.exitCode();
            }
            return 0;
        }
    }

    /** Exit code of a library error. */
    static int exitCode(SyncClientException e) {
        return switch (e.code()) {
            case BAD_INPUT, STORE_TOO_NEW, AUTH, NOT_FOUND -> PokepediaException.ErrorCode.CONFIGURATION.exitCode();
            case STORE_LOCKED -> PokepediaException.ErrorCode.DATABASE_UNAVAILABLE.exitCode();
            case BACKUP_INVALID -> PokepediaException.ErrorCode.BAD_SOURCE.exitCode();
            case STORE_CORRUPT -> PokepediaException.ErrorCode.VERIFICATION_FAILED.exitCode();
            case SERVER, IO -> PokepediaException.ErrorCode.INTERNAL.exitCode();
        };
    }

    /** A subcommand that works on the opened store; the store is closed whatever happens. */
    abstract static class StoreAction implements Callable<Integer> {
        @ParentCommand
        ClientCommand parent;

        @Override
        public final Integer call() throws Exception {
            checkOptions();
            try (LocalStore s = parent.open()) {
                return run(s);
            }
        }

        /** Checks the subcommand's own options before the store is opened; by default there are none to check. */
        void checkOptions() {
        }

        abstract int run(LocalStore s) throws Exception;
    }

    @Command(name = "save", mixinStandardHelpOptions = true, description = "Save an entity (JSON with a string \"id\") and push it.")
    static final class Save extends StoreAction {
        @Parameters(index = "0", paramLabel = "TYPE")
        String type;
        @Parameters(index = "1", paramLabel = "JSON")
        String payload;

        @Override
        int run(LocalStore s) throws Exception {
            com.fasterxml.jackson.databind.JsonNode node;
            try {
                node = JSON.readTree(payload);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw SyncClientException.badInput("JSON argument is not valid JSON: " + e.getOriginalMessage());
            }
            if (!(node instanceof ObjectNode o)) {
                throw SyncClientException.badInput("JSON argument must be an object like {\"id\":\"p1\",...}");
            }
            Entity e = s.save(type, o);
            System.out.println("saved " + e.type() + "/" + e.id());
            return parent.syncNow(s);
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete an entity and push the delete.")
    static final class Delete extends StoreAction {
        @Parameters(index = "0", paramLabel = "TYPE")
        String type;
        @Parameters(index = "1", paramLabel = "ID")
        String id;

        @Override
        int run(LocalStore s) throws Exception {
            if (!s.delete(type, id)) {
                System.out.println("no " + type + "/" + id + " in the store");
                return PokepediaException.ErrorCode.CONFIGURATION.exitCode();
            }
            System.out.println("deleted " + type + "/" + id);
            return parent.syncNow(s);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the entities of a type (local, no network).")
    static final class ListCmd extends StoreAction {
        @Parameters(index = "0", paramLabel = "TYPE")
        String type;
        @Option(names = "--json", description = "One JSON array of the payloads.")
        boolean json;
        @Option(names = "--where", paramLabel = "FIELD=VALUE", description = "Only entities whose field equals the value (repeatable).")
        java.util.Map<String, String> where = new java.util.LinkedHashMap<>();
        @Option(names = "--order-by", paramLabel = "FIELD")
        String orderBy;
        @Option(names = "--limit", defaultValue = "1000")
        int limit;
        @Option(names = "--offset", defaultValue = "0")
        int offset;

        @Override
        int run(LocalStore s) throws Exception {
            Query q = Query.of(type).page(limit, offset);
            for (var e : where.entrySet()) {
                q = q.where(e.getKey(), e.getValue());
            }
            if (orderBy != null) {
                q = q.orderBy(orderBy, false);
            }
            List<Entity> all = s.query(q);
            if (json || parent.json) {
                ArrayNode arr = JSON.createArrayNode();
                all.forEach(e -> arr.add(e.payload()));
                System.out.println(arr);
            } else {
                for (Entity e : all) {
                    System.out.println(e.id() + "  v" + e.version() + "  " + e.payload());
                }
            }
            return 0;
        }
    }

    @Command(name = "sync", mixinStandardHelpOptions = true, description = "Push queued operations, then pull the server's changes.")
    static final class Sync extends StoreAction {

        @Override
        int run(LocalStore s) throws Exception {
            return parent.syncNow(s);
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Rows per type, outbox by status, conflicts, last sync, file size.")
    static final class Status extends StoreAction {

        @Override
        int run(LocalStore s) throws Exception {
            StoreStats st = s.stats();
            if (parent.json) {
                ObjectNode n = JSON.createObjectNode();
                n.put("client_id", s.clientId());
                n.set("rows", JSON.valueToTree(st.rowsPerType()));
                ObjectNode ob = n.putObject("outbox");
                st.outboxByStatus().forEach((k, v) -> ob.put(k.db(), v));
                n.put("conflicts", st.openConflicts());
                n.put("last_sync", st.lastSync().map(Object::toString).orElse(null));
                n.put("file_bytes", st.fileBytes());
                System.out.println(n);
                return 0;
            }
            System.out.println("store      " + s.file() + " (" + st.fileBytes() + " bytes), client " + s.clientId());
            st.rowsPerType().forEach((t, n) -> System.out.printf("  %-20s %d%n", t, n));
            System.out.println("outbox     " + st.outboxByStatus());
            System.out.println("conflicts  " + st.openConflicts());
            System.out.println("last sync  " + st.lastSync().map(Object::toString).orElse("never"));
            return 0;
        }
    }

    @Command(name = "conflicts", mixinStandardHelpOptions = true, description = "List open manual conflicts (local and server side).")
    static final class Conflicts extends StoreAction {

        @Override
        int run(LocalStore s) throws Exception {
            for (Conflict k : s.conflicts()) {
                ObjectNode n = JSON.createObjectNode();
                n.put("type", k.type());
                n.put("id", k.id());
                n.set("local", k.localDeleted() ? null : k.localPayload().orElse(null));
                n.set("server", k.serverDeleted() ? null : k.serverPayload().orElse(null));
                n.put("server_version", k.serverVersion());
                System.out.println(n);
            }
            return 0;
        }
    }

    @Command(name = "resolve", mixinStandardHelpOptions = true, description = "Resolve a manual conflict: --take local|remote, or --payload JSON.")
    static final class Resolve extends StoreAction {
        @Parameters(index = "0", paramLabel = "TYPE")
        String type;
        @Parameters(index = "1", paramLabel = "ID")
        String id;
        @Option(names = "--take", paramLabel = "local|remote")
        String take;
        @Option(names = "--payload", paramLabel = "JSON")
        String payload;

        @Override
        void checkOptions() {
            if ((take == null) == (payload == null)) {
                throw SyncClientException.badInput("give exactly one of --take local|remote or --payload JSON");
            }
        }

        @Override
        int run(LocalStore s) throws Exception {
            SyncClient.Resolution r;
            ObjectNode custom = null;
            if (payload != null) {
                r = SyncClient.Resolution.CUSTOM;
                if (!(JSON.readTree(payload) instanceof ObjectNode o)) {
                    throw SyncClientException.badInput("--payload must be a JSON object");
                }
                custom = o;
            } else {
                r = switch (take) {
                    case "local" -> SyncClient.Resolution.LOCAL;
                    case "remote" -> SyncClient.Resolution.REMOTE;
                    default -> throw SyncClientException.badInput("--take must be local or remote, not '" + take + "'");
                };
            }
            // why: resolving is local; only the push afterwards needs the server
            String srv = parent.server == null || parent.server.isBlank() ? "http://localhost" : parent.server;
            try (SyncClient c = SyncClient.create(s, SyncConfig.defaults(URI.create(srv), () -> "").withAutoSync(false))) {
                c.resolve(type, id, r, custom);
            }
            System.out.println("resolved " + type + "/" + id);
            return parent.syncNow(s);
        }
    }

    @Command(name = "backup", mixinStandardHelpOptions = true, description = "Write a backup (default: <store>.backups/backup-<time>.pkbackup).")
    static final class Backup implements Callable<Integer> {
        @ParentCommand
        ClientCommand parent;
        @Option(names = "--to", paramLabel = "FILE")
        Path to;

        @Override
        public Integer call() {
            try (LocalStore s = parent.open()) {
                Backups b = Backups.beside(s);
                Backups.BackupInfo info = to == null ? b.createBackup() : b.createBackup(to);
                System.out.println("backup " + info.file().orElseThrow() + ": " + info.entities() + " entities " + info.counts());
                return 0;
            }
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true, description = "Restore a backup file (checked first) and push it as one batch.")
    static final class Restore extends StoreAction {
        @Parameters(index = "0", paramLabel = "FILE", arity = "0..1")
        Optional<Path> file;

        @Override
        int run(LocalStore s) throws Exception {
            Backups b = Backups.beside(s);
            int n = file.isPresent() ? b.restoreBackup(file.get()) : b.restoreBackup();
            System.out.println("restored " + n + " entities");
            return parent.syncNow(s);
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true, description = "Integrity check of the store; non-zero exit on any issue.")
    static final class Verify extends StoreAction {

        @Override
        int run(LocalStore s) throws Exception {
            IntegrityReport r = s.verifyIntegrity();
            if (parent.json) {
                ObjectNode n = JSON.valueToTree(r);
                n.set("rows", JSON.valueToTree(s.stats().rowsPerType()));
                System.out.println(n);
            } else {
                System.out.println((r.healthy() ? "✓ healthy: " : "✗ unhealthy: ") + r.entitiesChecked() + " entities checked");
                r.issues().forEach(i -> System.out.println("  " + i));
                s.stats().rowsPerType().forEach((t, n) -> System.out.printf("  %-20s %d%n", t, n));
            }
            return r.healthy() ? 0 : PokepediaException.ErrorCode.VERIFICATION_FAILED.exitCode();
        }
    }
}
