package dev.pokepedia.sync;

import java.util.Objects;

/** A user of the sync API: the {@code sub} claim of their token. */
public record UserId(String value) {
    public UserId {
        Objects.requireNonNull(value, "value");
        if (value.isBlank() || value.length() > 200) {
            throw new IllegalArgumentException("a user id is 1 to 200 characters, not blank");
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
