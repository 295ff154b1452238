package dev.pokepedia.corpus;

import dev.pokepedia.core.SqlFailures;
import dev.pokepedia.corpus.internal.CanonicalStore;
import dev.pokepedia.corpus.internal.Canonicalizer;
import dev.pokepedia.corpus.internal.Rebaser;
import dev.pokepedia.corpus.internal.StoredDocument;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The canonical store for callers that handle documents one at a time (the ingest worker): the same canonical form,
 * hashing, table and projection bookkeeping as {@link SnapshotImporter}, through small transactions. Thread-safe.
 */
public final class DocumentStore {

    /** What a write did to a document. */
    public enum Change { ADDED, CHANGED, UNCHANGED }

    /** A document in canonical form, ready to store. */
    public record Prepared(DocumentId id, String name, byte[] json, String sha256) {}

    private final DataSource dataSource;
    private final Canonicalizer canonicalizer = new Canonicalizer();

    public DocumentStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Canonicalizes a served document. {@code base} (scheme://host[:port]) is the server it came from: its absolute
     * {@code /api/v2/} references become relative, as in the snapshots; null keeps references as they are.
     *
     * @throws InvalidDocumentException if the bytes are not one JSON object or array
     */
    public Prepared prepare(DocumentId id, byte[] raw, String base) {
        try {
            byte[] bytes = base == null ? raw : Rebaser.toRelative(raw, base);
            Canonicalizer.Canonical c = canonicalizer.canonicalize(bytes);
            String mismatch = c.identityMismatch(id);
            if (mismatch != null) {
                throw new InvalidDocumentException(id.apiPath() + ": not stored: " + mismatch, null);
            }
            return new Prepared(id, c.name(), c.json(), c.sha256());
        } catch (InvalidDocumentException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            throw new InvalidDocumentException(id.apiPath() + ": not a JSON document (" + why + ")", e);
        }
    }

    /** Stores the documents (new, changed or revived; identical ones are left alone) with their projection work. */
    public Map<DocumentId, Change> upsert(Collection<Prepared> docs, String source) {
        Map<DocumentId, Change> out = new LinkedHashMap<>();
        docs.forEach(d -> out.put(d.id(), Change.UNCHANGED));
        Map<DocumentId, Boolean> written = withStore("storing " + docs.size() + " document(s)", s -> s.upsert(
                docs.stream().map(d -> new StoredDocument(d.id(), d.name(), d.json(), d.sha256())).toList(), source));
        written.forEach((id, isNew) -> out.put(id, isNew ? Change.ADDED : Change.CHANGED));
        return out;
    }

    /** Tombstones a document that is gone upstream; false if it was not stored (or already tombstoned). */
    public boolean tombstone(DocumentId id) {
        boolean had = sha256(id).isPresent();
        if (had) {
            withStore("tombstoning " + id, s -> {
                s.tombstone(List.of(id));
                return null;
            });
        }
        return had;
    }

    /** The SHA-256 of the live (not tombstoned) stored version. */
    public Optional<String> sha256(DocumentId id) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT sha256 FROM pokeapi_resources WHERE resource_type = ? AND resource_key = ? AND deleted_at IS NULL")) {
            ps.setString(1, id.type());
            ps.setString(2, id.key());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw SqlFailures.classify("reading " + id, e);
        }
    }

    /** Records what the source says each endpoint holds (verify compares to it); keeps endpoints not mentioned. */
    public void saveEndpointCounts(Map<String, Integer> counts, String source) {
        withStore("saving endpoint counts", s -> {
            s.saveEndpoints(counts, source, false);
            return null;
        });
    }

    /** Rebuilds the projection rows of everything stored since the last refresh; rows upserted per table. */
    public Map<String, Long> refreshProjections() {
        return withStore("refreshing projections", CanonicalStore::refreshProjections);
    }

    private interface StoreWork<T> {
        T run(CanonicalStore store) throws SQLException;
    }

    private <T> T withStore(String what, StoreWork<T> work) {
        try (CanonicalStore store = new CanonicalStore(dataSource.getConnection())) {
            return work.run(store);
        } catch (SQLException e) {
            throw SqlFailures.classify(what, e);
        }
    }


}
