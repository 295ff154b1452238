package dev.pokepedia.app.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * One keep-alive HTTP/1.1 connection for load generation. why not java.net.http: its selector thread and per-request
 * futures cost the load generator more CPU than the server spends on small requests, on the same 2 cores.
 */
final class RawHttp implements Closeable {

    record Response(int status, byte[] body) {}

    private final URI base;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    RawHttp(URI base) {
        this.base = base;
    }

    Response send(String method, String path, String authorization, byte[] body) throws IOException {
        return request(method, path, authorization == null ? java.util.Map.of() : java.util.Map.of("Authorization", authorization), body);
    }

    /** {@code headers} are sent as given; a body is sent as JSON. */
    Response request(String method, String path, java.util.Map<String, String> headers, byte[] body) throws IOException {
        if (socket == null) {
            socket = new Socket(base.getHost(), base.getPort());
            socket.setTcpNoDelay(true);
            in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
            out = socket.getOutputStream();
        }
        StringBuilder head = new StringBuilder(256).append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: ")
                .append(base.getHost()).append(':').append(base.getPort()).append("\r\nUser-Agent: pokepedia-bench\r\n");
        headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        if (body != null) {
            head.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (body != null) {
            out.write(body);
        }
        out.flush();
        String status = line();
        int code = Integer.parseInt(status.substring(9, 12));
        ResponseHeaders answer = ResponseHeaders.read(this::line);
        long length = answer.contentLength();
        boolean chunked = answer.chunked();
        byte[] bytes;
        if (chunked) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            for (int n; (n = Integer.parseInt(line().split(";")[0].trim(), 16)) > 0; ) {
                buf.write(in.readNBytes(n));
                line();
            }
            line();
            bytes = buf.toByteArray();
        } else {
            bytes = length < 0 ? in.readAllBytes() : in.readNBytes((int) length);
        }
        if (answer.close() || length < 0 && !chunked) {
            close();
        }
        return new Response(code, bytes);
    }

    private String line() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                throw new EOFException("connection closed mid-response");
            }
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing
            }
            socket = null;
        }
    }
}
