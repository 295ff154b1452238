package dev.pokepedia.medialibrary.fake;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;

/**
 * {@link FakeCloudinary} as a process of its own, for walking through the README by hand
 * ({@code bench/media-walkthrough.sh}): {@code FakeCloudinaryServer PORT [PUBLIC_ID=FILE …]} serves the fake on
 * 127.0.0.1:PORT, holding one image per argument (its size, format and an etag taken from the file), prints the
 * {@code CLOUDINARY_URL} that points at it, and runs until killed. Tags change through the fake's Admin API, as in the
 * Console: {@code curl -u KEY:SECRET -d tags=a,b http://127.0.0.1:PORT/v1_1/demo-cloud/resources/image/upload/ID}.
 */
public final class FakeCloudinaryServer {

    private FakeCloudinaryServer() {
    }

    public static void main(String[] args) throws Exception {
        FakeCloudinary fake = new FakeCloudinary(Clock.systemUTC(), Integer.parseInt(args[0])).start();
        for (int i = 1; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            String publicId = args[i].substring(0, eq);
            Path file = Path.of(args[i].substring(eq + 1));
            byte[] bytes = Files.readAllBytes(file);
            String name = file.getFileName().toString();
            FakeCloudinary.Res r = fake.put("image", publicId, Instant.now().getEpochSecond());
            r.bytes = bytes.length;
            r.format = name.substring(name.lastIndexOf('.') + 1);
            r.etag = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(bytes));
        }
        System.out.println("FAKE-CLOUDINARY-READY CLOUDINARY_URL=cloudinary://" + FakeCloudinary.API_KEY + ":"
                + FakeCloudinary.API_SECRET + "@" + FakeCloudinary.CLOUD + "?upload_prefix=" + fake.base());
        System.out.flush();
        Thread.currentThread().join();
    }
}
