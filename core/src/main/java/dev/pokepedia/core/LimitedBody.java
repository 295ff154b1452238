package dev.pokepedia.core;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A {@link HttpResponse.BodyHandler} that collects a body into memory but stops reading, and cancels the exchange,
 * as soon as it passes {@code maxBytes}; the response's body future then fails with {@link TooLarge}. A declared
 * {@code Content-Length} over the limit fails before any byte is read.
 */
public final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {

    /** The answer was (or said it would be) longer than the limit; {@code seen} bytes were counted before stopping. */
    public static final class TooLarge extends IOException {
        private final long seen;
        private final long limit;

        TooLarge(long seen, long limit) {
            super("more than " + limit + " bytes (stopped reading at " + seen + ")");
            this.seen = seen;
            this.limit = limit;
        }

        public long seen() {
            return seen;
        }

        public long limit() {
            return limit;
        }
    }

    private final long maxBytes;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private Flow.Subscription subscription;
    private long seen;

    private LimitedBody(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    public static HttpResponse.BodyHandler<byte[]> handler(long maxBytes) {
        return info -> {
            long declared = info.headers().firstValueAsLong("content-length").orElse(-1);
            LimitedBody body = new LimitedBody(maxBytes);
            if (declared > maxBytes) {
                body.result.completeExceptionally(new TooLarge(declared, maxBytes));
            }
            return body;
        };
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (result.isDone()) {
            s.cancel();
        } else {
            s.request(Long.MAX_VALUE);
        }
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        if (result.isDone()) {
            return;
        }
        for (ByteBuffer b : items) {
            seen += b.remaining();
            if (seen > maxBytes) {
                subscription.cancel();
                result.completeExceptionally(new TooLarge(seen, maxBytes));
                return;
            }
            byte[] chunk = new byte[b.remaining()];
            b.get(chunk);
            buffer.writeBytes(chunk);
        }
    }

    @Override
    public void onError(Throwable t) {
        result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        result.complete(buffer.toByteArray());
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return result;
    }
}
