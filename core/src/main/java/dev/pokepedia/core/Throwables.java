package dev.pokepedia.core;

/** Questions about a cause chain that error classification asks in several modules. */
public final class Throwables {

    private Throwables() {
    }

    /** Whether {@code e} or any of its causes is a {@code type}. */
    public static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
