package dev.pokepedia.syncclient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pokepedia.syncclient.SyncClientException.ErrorCode;
import dev.pokepedia.syncclient.internal.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backups of a store's entities: one file, a header line (format, schema version, client id, time, counts per
 * type, body length and its SHA-256) followed by one JSON line per entity. A restore checks all of it before writing
 * anything, then writes in one transaction and queues every entity as an upsert, so the restored state is pushed as
 * one batch.
 */
public final class Backups {

    private static final Logger LOG = LoggerFactory.getLogger(Backups.class);
    static final String FORMAT = "pokepedia-sync-backup";
    private static final String SUFFIX = ".pkbackup";
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    /** What a backup file holds (from its header). */
    public record BackupInfo(boolean exists, Optional<Path> file, Optional<Instant> createdAt, Optional<Duration> age,
                             Map<String, Long> counts, long entities) {
    }

    private final LocalStore store;
    private final Path folder;

    /** Backups of this store in this folder (automatic and {@link #createBackup()} ones). */
    public Backups(LocalStore store, Path folder) {
        this.store = store;
        this.folder = folder;
    }

    /** Backups next to the store file, in {@code <store>.backups/}. */
    public static Backups beside(LocalStore store) {
        return new Backups(store, Path.of(store.file() + ".backups"));
    }

    /** Writes a new backup into the folder. */
    public BackupInfo createBackup() {
        Instant now = store.options().clock().instant();
        return createBackup(folder.resolve("backup-" + NAME.format(now) + SUFFIX));
    }

    /** Writes a backup to this path (atomically: a temp file moved into place after an fsync). */
    public BackupInfo createBackup(Path target) {
        Instant now = store.options().clock().instant();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        Map<String, Long> counts = new LinkedHashMap<>();
        long[] total = {0};
        store.db().read("reading entities for a backup", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT type, id, version, payload FROM entities ORDER BY type, id");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ObjectNode line = Json.MAPPER.createObjectNode();
                    line.put("type", rs.getString(1));
                    line.put("id", rs.getString(2));
                    line.put("version", rs.getLong(3));
                    line.set("payload", Json.read(rs.getString(4)));
                    body.writeBytes(Json.write(line).getBytes(StandardCharsets.UTF_8));
                    body.write('\n');
                    counts.merge(rs.getString(1), 1L, Long::sum);
                    total[0]++;
                }
            }
            return null;
        });
        byte[] bytes = body.toByteArray();
        ObjectNode header = Json.MAPPER.createObjectNode();
        header.put("format", FORMAT);
        header.put("schema_version", LocalStore.SCHEMA_VERSION);
        header.put("client_id", store.clientId());
        header.put("created_at", now.toString());
        header.set("counts", Json.MAPPER.valueToTree(counts));
        header.put("entities", total[0]);
        header.put("body_bytes", bytes.length);
        header.put("sha256", Json.sha256(bytes));
        try {
            Path parent = target.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = parent.resolve(target.getFileName() + ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap((Json.write(header) + "\n").getBytes(StandardCharsets.UTF_8)));
                ch.write(java.nio.ByteBuffer.wrap(bytes));
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new SyncClientException(ErrorCode.IO, "cannot write backup " + target + ": " + e.getMessage(),
                    "check free space and permissions of " + target.toAbsolutePath().getParent(), e);
        }
        return new BackupInfo(true, Optional.of(target), Optional.of(now), Optional.of(Duration.ZERO), counts, total[0]);
    }

    /** The newest backup in the folder: exists, time, age, counts. */
    public BackupInfo backupInfo() {
        Optional<Path> latest = list().stream().findFirst();
        if (latest.isEmpty()) {
            return new BackupInfo(false, Optional.empty(), Optional.empty(), Optional.empty(), Map.of(), 0);
        }
        return read(latest.get()).info;
    }

    /** Backup files of the folder, newest first. */
    public List<Path> list() {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).sorted(Comparator.comparing(Path::getFileName).reversed()).toList();
        } catch (IOException e) {
            throw new SyncClientException(ErrorCode.IO, "cannot list backups in " + folder + ": " + e.getMessage(), "", e);
        }
    }

    /** Restores the newest backup of the folder. */
    public int restoreBackup() {
        return restoreBackup(list().stream().findFirst().orElseThrow(() -> new SyncClientException(ErrorCode.BACKUP_INVALID,
                "no backup in " + folder, "create one with createBackup() or give a file")));
    }

    /**
     * Restores a backup file: refuses a file whose checksum, length, format or schema fails (nothing written), else
     * writes every entity in one transaction and queues each as an upsert. Entities not in the backup are kept.
     *
     * @return the number of entities restored
     */
    public int restoreBackup(Path file) {
        Parsed p = read(file);
        List<Object[]> rows = new ArrayList<>();
        int lineNo = 1;
        for (String line : new String(p.body, StandardCharsets.UTF_8).split("\n")) {
            lineNo++;
            if (line.isEmpty()) {
                continue;
            }
            JsonNode n;
            try {
                n = Json.MAPPER.readTree(line);
            } catch (IOException e) {
                throw invalid(file, "line " + lineNo + " is not JSON");
            }
            String type = n.path("type").asText();
            if (!store.registry().contains(type)) {
                throw invalid(file, "line " + lineNo + " has entity type '" + type + "', which this app does not register");
            }
            if (!(n.get("payload") instanceof ObjectNode payload)) {
                throw invalid(file, "line " + lineNo + " has no payload object");
            }
            String id = store.idOf(store.registry().require(type), payload, " (backup line " + lineNo + ")");
            rows.add(new Object[] {type, id, n.path("version").asLong(), Json.canonical(payload)});
        }
        if (rows.size() != p.info.entities()) {
            throw invalid(file, "header says " + p.info.entities() + " entities, body has " + rows.size());
        }
        store.db().tx("restoring " + file, c -> {
            for (Object[] r : rows) {
                String type = (String) r[0];
                String id = (String) r[1];
                long base = store.versionOf(c, type, id).orElse((Long) r[2]);
                String stamp = store.hlc().now().toString();
                store.upsertRow(c, type, id, (String) r[3], base, stamp, null, false);
                store.outbox().enqueue(c, type, id, OpKind.UPSERT, (String) r[3], base, stamp);
            }
            store.persistHlc(c);
            return null;
        });
        store.fireChange();
        return rows.size();
    }

    private record Parsed(BackupInfo info, byte[] body) {
    }

    private Parsed read(Path file) {
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new SyncClientException(ErrorCode.BACKUP_INVALID, "cannot read backup " + file + ": " + e.getMessage(), "check the path", e);
        }
        int nl = 0;
        while (nl < all.length && all[nl] != '\n') {
            nl++;
        }
        if (nl >= all.length) {
            throw invalid(file, "no header line (empty or truncated file)");
        }
        JsonNode h;
        try {
            h = Json.MAPPER.readTree(new String(all, 0, nl, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw invalid(file, "the header line is not JSON");
        }
        if (!FORMAT.equals(h.path("format").asText())) {
            throw invalid(file, "not a " + FORMAT + " file (format '" + h.path("format").asText() + "')");
        }
        int schema = h.path("schema_version").asInt(-1);
        if (schema < 1 || schema > LocalStore.SCHEMA_VERSION) {
            throw invalid(file, "schema version " + schema + " (this library reads 1.." + LocalStore.SCHEMA_VERSION + ")");
        }
        byte[] body = java.util.Arrays.copyOfRange(all, nl + 1, all.length);
        long want = h.path("body_bytes").asLong(-1);
        if (body.length != want) {
            throw invalid(file, (body.length < want ? "truncated: " : "has extra bytes: ") + body.length + " body bytes, the header says " + want);
        }
        String sum = Json.sha256(body);
        if (!sum.equals(h.path("sha256").asText())) {
            throw invalid(file, "checksum mismatch: the body hashes to " + sum + ", the header says " + h.path("sha256").asText());
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        h.path("counts").fields().forEachRemaining(e -> counts.put(e.getKey(), e.getValue().asLong()));
        Instant created = Instant.parse(h.path("created_at").asText());
        BackupInfo info = new BackupInfo(true, Optional.of(file), Optional.of(created),
                Optional.of(Duration.between(created, store.options().clock().instant())), counts, h.path("entities").asLong());
        return new Parsed(info, body);
    }

    private static SyncClientException invalid(Path file, String what) {
        return new SyncClientException(ErrorCode.BACKUP_INVALID, "backup " + file + " refused: " + what,
                "use another backup; this one is damaged or from a newer app");
    }

    /**
     * Writes a backup every {@code every}, keeping the newest {@code keep}; skips a run (with a warning) when the
     * folder's disk has less than {@code minFreeBytes} plus twice the store's size free.
     */
    public ScheduledFuture<?> schedule(ScheduledExecutorService scheduler, Duration every, int keep, long minFreeBytes) {
        if (keep < 1) {
            throw SyncClientException.badInput("backup retention " + keep + " must be >= 1");
        }
        return scheduler.scheduleWithFixedDelay(() -> {
            try {
                runScheduled(keep, minFreeBytes);
            } catch (RuntimeException e) {
                LOG.warn("scheduled backup failed: {}", e.getMessage());
            }
        }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One scheduled run: the free-space guard, a backup, then retention. Returns the backup written, if any. */
    public Optional<BackupInfo> runScheduled(int keep, long minFreeBytes) {
        try {
            Files.createDirectories(folder);
            long free = Files.getFileStore(folder).getUsableSpace();
            long need = minFreeBytes + 2 * store.stats().fileBytes();
            if (free < need) {
                LOG.warn("skipping the scheduled backup: {} has {} bytes free, needs {}", folder, free, need);
                return Optional.empty();
            }
        } catch (IOException e) {
            throw new SyncClientException(ErrorCode.IO, "cannot check free space of " + folder + ": " + e.getMessage(), "", e);
        }
        BackupInfo info = createBackup();
        List<Path> all = list();
        for (Path old : all.subList(Math.min(keep, all.size()), all.size())) {
            try {
                Files.deleteIfExists(old);
            } catch (IOException e) {
                LOG.warn("cannot delete old backup {}: {}", old, e.getMessage());
            }
        }
        return Optional.of(info);
    }
}
