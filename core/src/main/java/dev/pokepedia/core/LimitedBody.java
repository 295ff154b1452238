package dev.pokepedia.core;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Collects an HTTP body into memory up to a limit, never buffering beyond it: the download is cancelled as soon as
 * the body would exceed it, or before any byte when a declared {@code Content-Length} is already over; the body
 * future then fails with {@link TooLarge}. Used by {@link dev.pokepedia.core.http.PoliteHttpClient}.
 */
public final class LimitedBody implements BodySubscriber<byte[]> {

    /** The body exceeds the limit; {@link #declared()} is its Content-Length, or -1 when it was not declared. */
    public static final class TooLarge extends IOException {
        private final long declared;

        TooLarge(long declared) {
            super(declared >= 0 ? "Content-Length " + declared + " is over the limit" : "body is over the limit");
            this.declared = declared;
        }

        public long declared() {
            return declared;
        }
    }

    private final long limit;
    private final long declared;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private ByteArrayOutputStream out;
    private Flow.Subscription subscription;
    private long received;

    private LimitedBody(long limit, long declared) {
        this.limit = limit;
        this.declared = declared;
        this.out = new ByteArrayOutputStream(declared >= 0 && declared <= limit ? (int) declared : 16 * 1024);
    }

    /** A subscriber for a body of at most {@code limit} bytes whose Content-Length is {@code declared} (-1: none). */
    public static BodySubscriber<byte[]> subscriber(long limit, long declared) {
        return new LimitedBody(limit, declared);
    }

    /** A handler that reads every answer's body with {@link #subscriber}, taking the declared length from its headers. */
    public static HttpResponse.BodyHandler<byte[]> handler(long limit) {
        return info -> subscriber(limit, declaredLength(info));
    }

    /** The Content-Length of an answer, or -1 when it is absent or not a number. */
    public static long declaredLength(HttpResponse.ResponseInfo info) {
        try {
            return info.headers().firstValueAsLong("content-length").orElse(-1);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        this.subscription = s;
        if (declared > limit) {
            s.cancel();
            out = null;
            result.completeExceptionally(new TooLarge(declared));
            return;
        }
        s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        if (result.isDone()) {
            return;
        }
        for (ByteBuffer item : items) {
            int n = item.remaining();
            if (received + n > limit) {
                subscription.cancel();
                out = null;
                result.completeExceptionally(new TooLarge(-1));
                return;
            }
            received += n;
            if (item.hasArray()) {
                out.write(item.array(), item.arrayOffset() + item.position(), n);
                item.position(item.limit());
            } else {
                byte[] chunk = new byte[n];
                item.get(chunk);
                out.write(chunk, 0, n);
            }
        }
    }

    @Override
    public void onError(Throwable t) {
        out = null;
        result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        if (!result.isDone()) {
            result.complete(out.toByteArray());
            out = null;
        }
    }
}
