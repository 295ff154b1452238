import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The JVM's own cost of the media copy, without pokepedia around it: the same files, the same calls per file as the
 * folder source and folder store (read the whole file, SHA-256, write a temp file, rename it into place), 16 virtual
 * threads, no database. It copies the set again and again in one process, so the first round shows a cold JVM and
 * the later ones a warm one. bench/media.sh runs it after its rounds.
 *
 * Usage: java bench/CopyFloor.java TARGET ROUNDS (SOURCE_ROOT LIST_FILE BUCKET)...
 */
public class CopyFloor {

    record Job(Path source, String bucket, String path) {}

    // why: as pokepedia does, copy a ready digest instead of a provider lookup per file
    private static final MessageDigest SHA256;

    static {
        try {
            SHA256 = MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 5 || (args.length - 2) % 3 != 0) {
            System.err.println("usage: java bench/CopyFloor.java TARGET ROUNDS (SOURCE_ROOT LIST_FILE BUCKET)...");
            System.exit(2);
        }
        Path target = Path.of(args[0]);
        int rounds = Integer.parseInt(args[1]);
        List<Job> jobs = new ArrayList<>();
        for (int i = 2; i < args.length; i += 3) {
            Path root = Path.of(args[i]);
            for (String p : Files.readAllLines(Path.of(args[i + 1]))) {
                if (!p.isBlank()) {
                    jobs.add(new Job(root.resolve(p), args[i + 2], p));
                }
            }
        }
        double[] ms = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            Path out = target.resolve("round-" + r);
            long start = System.nanoTime();
            copyAll(jobs, out);
            ms[r] = (System.nanoTime() - start) / 1e6;
            deleteTree(out); // why: every round writes into an empty folder, as a first mirror run does
        }
        double[] warm = Arrays.copyOfRange(ms, 1, rounds);
        Arrays.sort(warm);
        double median = warm.length == 0 ? Double.NaN
                : warm.length % 2 == 1 ? warm[warm.length / 2] : (warm[warm.length / 2 - 1] + warm[warm.length / 2]) / 2;
        System.out.printf("copy-floor files=%d cold=%.3f warm=%.3f rounds=%s%n", jobs.size(), ms[0] / 1000, median / 1000,
                Arrays.toString(Arrays.stream(ms).map(m -> Math.round(m) / 1000.0).toArray()));
    }

    private static void copyAll(List<Job> jobs, Path out) throws Exception {
        Semaphore permits = new Semaphore(16);
        Set<Path> made = ConcurrentHashMap.newKeySet();
        AtomicLong tmpNames = new AtomicLong();
        List<Throwable> errors = new ArrayList<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Job j : jobs) {
                permits.acquire();
                pool.execute(() -> {
                    try {
                        copyOne(j, out, made, tmpNames);
                    } catch (Exception e) {
                        synchronized (errors) {
                            errors.add(e);
                        }
                    } finally {
                        permits.release();
                    }
                });
            }
        }
        if (!errors.isEmpty()) {
            throw new IllegalStateException(errors.size() + " copies failed, first: " + errors.get(0), errors.get(0));
        }
    }

    private static void copyOne(Job j, Path out, Set<Path> made, AtomicLong tmpNames) throws Exception {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(j.source(), LinkOption.NOFOLLOW_LINKS)) {
            bytes = in.readAllBytes();
        }
        String sha = HexFormat.of().formatHex(((MessageDigest) SHA256.clone()).digest(bytes));
        if (sha.isEmpty()) {
            throw new IllegalStateException("no hash");
        }
        Path f = out.resolve(j.bucket()).resolve(j.path());
        if (!made.contains(f.getParent())) {
            Files.createDirectories(f.getParent());
            made.add(f.getParent());
        }
        Path tmp = f.resolveSibling(".upload-" + tmpNames.incrementAndGet() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
        }
        Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(p);
            }
        }
    }
}
