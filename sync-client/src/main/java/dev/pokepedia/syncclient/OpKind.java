package dev.pokepedia.syncclient;

/** Kind of an outbox operation (wire values {@code upsert} / {@code delete}). */
public enum OpKind {
    UPSERT, DELETE;

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static OpKind fromWire(String s) {
        return valueOf(s.toUpperCase(java.util.Locale.ROOT));
    }
}
