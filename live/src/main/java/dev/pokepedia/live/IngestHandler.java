package dev.pokepedia.live;

import dev.pokepedia.corpus.DocumentId;
import dev.pokepedia.corpus.DocumentStore;
import dev.pokepedia.corpus.InvalidDocumentException;
import dev.pokepedia.live.internal.CrawlState;
import dev.pokepedia.live.internal.IngestWrites;
import dev.pokepedia.live.internal.Refresher;
import dev.pokepedia.queue.Message;
import dev.pokepedia.queue.MessageHandler;
import dev.pokepedia.queue.PermanentFailureException;
import dev.pokepedia.queue.RetryLaterException;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Duration;

/**
 * Handles one {@code pokepedia_ingest} message: fetches the document (conditionally, with the validators of the
 * stored version), stores it through the canonical store the bulk import uses, and reports changes to the
 * {@link Refresher} (projections, asset manifest, sprite messages). Idempotent: a repeated message finds the
 * document identical (or gets a 304) and writes nothing. The database work is grouped with the other handlers'
 * ({@link IngestWrites}); a handler returns after its document committed.
 */
public final class IngestHandler implements MessageHandler {

    private final UpstreamClient upstream;
    private final DocumentStore store;
    private final IngestWrites writes;
    private final SnapshotUpstreams snapshots;
    private final Refresher refresher;
    private final MeterRegistry registry;

    // why package-private: it takes the live path's internal collaborators (IngestWrites, Refresher); LivePath builds it
    IngestHandler(UpstreamClient upstream, DocumentStore store, IngestWrites writes, SnapshotUpstreams snapshots,
                  Refresher refresher, MeterRegistry registry) {
        this.upstream = upstream;
        this.store = store;
        this.writes = writes;
        this.snapshots = snapshots;
        this.refresher = refresher;
        this.registry = registry;
    }

    @Override
    public void handle(Message message) throws Exception {
        LiveQueues.IngestMessage m = LiveQueues.parseIngest(message.body());
        String base = m.base() != null ? m.base() : snapshots.baseFor(m.snapshot());
        DocumentId id = m.id();
        URI uri = URI.create(base + m.path());
        CrawlState.Validators v = writes.validators(id);
        UpstreamClient.Answer answer;
        try {
            answer = upstream.get(uri, v.etag(), v.lastModified());
        } catch (UpstreamException e) {
            if (!e.retryable()) {
                throw new PermanentFailureException(e.getMessage(), e.getCause());
            }
            throw new RetryLaterException(e.getMessage(), e.retryAfter() == null ? Duration.ZERO : e.retryAfter(), e.getCause());
        }
        switch (answer) {
            case UpstreamClient.Answer.NotModified nm -> {
                writes.write(new IngestWrites.Write(new CrawlState.Fetch(id, uri.toString(), 304, null, null, null, false), null, m.source()));
                count("not_modified");
            }
            case UpstreamClient.Answer.Gone g -> {
                boolean had = store.tombstone(id);
                writes.write(new IngestWrites.Write(new CrawlState.Fetch(id, uri.toString(), g.status(), null, null, null, had), null, m.source()));
                if (had) {
                    refresher.changed(id);
                }
                count("gone");
            }
            case UpstreamClient.Answer.Document d -> {
                DocumentStore.Prepared p;
                try {
                    p = store.prepare(id, d.body(), base);
                } catch (InvalidDocumentException e) {
                    // why: usually a body cut short or a broken upstream page; retried with backoff, then dead-lettered
                    throw new IllegalStateException(base + e.getMessage(), e);
                }
                DocumentStore.Change change = writes.write(new IngestWrites.Write(
                        new CrawlState.Fetch(id, uri.toString(), 200, d.etag(), d.lastModified(), p.sha256(), false), p, m.source()));
                if (change != DocumentStore.Change.UNCHANGED) {
                    refresher.changed(id);
                }
                count(change.name().toLowerCase());
            }
        }
    }

    private void count(String outcome) {
        registry.counter("pokepedia.ingest.documents", "outcome", outcome).increment();
    }
}
