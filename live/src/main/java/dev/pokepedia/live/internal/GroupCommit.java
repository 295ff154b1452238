package dev.pokepedia.live.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;

/**
 * Group commit: many threads each hand in one item and wait for its result; one background thread runs the work on
 * everything handed in since its last run, as one batch (one transaction, one statement). While a batch runs the next
 * one gathers, so under load batches grow to match the database's pace and under light load an item waits for
 * nobody. A caller returns only after its batch finished, so what it does next (e.g. deleting its queue message)
 * happens after the commit.
 *
 * @param <I> what a caller hands in
 * @param <O> its result; the work returns one per item, in order
 */
public final class GroupCommit<I, O> implements AutoCloseable {

    private record Pending<I, O>(I item, CompletableFuture<O> result) {}

    private final int maxBatch;
    private final Function<List<I>, List<O>> work;
    private final LinkedBlockingQueue<Pending<I, O>> pending = new LinkedBlockingQueue<>();
    private final Thread thread;
    private boolean closed;

    /** @param work runs one batch; throwing fails every item of the batch with that exception */
    public GroupCommit(String name, int maxBatch, Function<List<I>, List<O>> work) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1, got " + maxBatch);
        }
        this.maxBatch = maxBatch;
        this.work = Objects.requireNonNull(work, "work");
        this.thread = Thread.ofVirtual().name(name).start(this::loop);
    }

    /**
     * Hands in an item and waits until its batch ran.
     *
     * @throws RuntimeException the batch's failure (the same exception for every item of that batch)
     */
    public O submit(I item) throws InterruptedException {
        Objects.requireNonNull(item, "item");
        CompletableFuture<O> result = new CompletableFuture<>();
        synchronized (this) { // why: nothing may be handed in after the close marker, or it would wait forever
            if (closed) {
                throw new IllegalStateException("group commit closed");
            }
            pending.add(new Pending<>(item, result));
        }
        try {
            return result.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Items handed in and not yet taken into a batch. */
    public int waiting() {
        return pending.size();
    }

    private void loop() {
        List<Pending<I, O>> batch = new ArrayList<>();
        while (true) {
            try {
                batch.add(pending.take());
            } catch (InterruptedException e) {
                failAll(new IllegalStateException("group commit stopped"));
                return;
            }
            pending.drainTo(batch, maxBatch - 1);
            // why: the close marker (a null item) comes last; what was handed in before it still runs
            boolean last = batch.removeIf(p -> p.item() == null);
            if (!batch.isEmpty()) {
                run(batch);
            }
            batch.clear();
            if (last) {
                return;
            }
        }
    }

    private void run(List<Pending<I, O>> batch) {
        try {
            List<O> out = work.apply(batch.stream().map(Pending::item).toList());
            if (out.size() != batch.size()) {
                throw new IllegalStateException("batch work returned " + out.size() + " results for " + batch.size() + " items");
            }
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).result().complete(out.get(i));
            }
        } catch (RuntimeException | Error e) {
            batch.forEach(p -> p.result().completeExceptionally(e));
        }
    }

    private void failAll(RuntimeException e) {
        List<Pending<I, O>> left = new ArrayList<>();
        pending.drainTo(left);
        left.forEach(p -> p.result().completeExceptionally(e));
    }

    /** Runs what was handed in before, then stops; later {@link #submit} calls fail. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            pending.add(new Pending<>(null, new CompletableFuture<>()));
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
