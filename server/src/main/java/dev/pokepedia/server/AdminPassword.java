package dev.pokepedia.server;

import dev.pokepedia.core.ConfigurationException;
import java.util.Map;
import java.util.Optional;

/**
 * The admin dashboard's password, from {@code POKEPEDIA_ADMIN_PASSWORD}. Never printed: {@link #toString()} masks it.
 * Without one the admin pages stay disabled.
 */
public record AdminPassword(String value) {

    public static final String ENV = "POKEPEDIA_ADMIN_PASSWORD";
    public static final int MIN_LENGTH = 8;

    public AdminPassword {
        if (value == null || value.isBlank()) {
            throw new ConfigurationException(ENV + " is empty",
                    "Unset it to keep the admin pages disabled, or set it to a password of at least " + MIN_LENGTH + " characters");
        }
        if (value.length() < MIN_LENGTH) {
            throw new ConfigurationException(ENV + " is too short (" + value.length() + " characters)",
                    "Use at least " + MIN_LENGTH + " characters, e.g. the output of: openssl rand -base64 18");
        }
    }

    /** The password from the environment, or empty (admin disabled) when the variable is unset. */
    public static Optional<AdminPassword> fromEnv(Map<String, String> env) {
        String v = env.get(ENV);
        return v == null ? Optional.empty() : Optional.of(new AdminPassword(v));
    }

    @Override
    public String toString() {
        return "AdminPassword[****]";
    }
}
