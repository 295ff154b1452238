package dev.pokepedia.queue.internal;

import dev.pokepedia.core.ConfigurationException;
import java.util.regex.Pattern;

/** Queue names: what the table's CHECK constraint allows, checked first so the error says what is wrong. */
public final class QueueNames {

    private static final Pattern VALID = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,62}");

    private QueueNames() {
    }

    public static String require(String name) {
        if (name == null || !VALID.matcher(name).matches()) {
            throw new ConfigurationException("Invalid queue name '" + name + "'",
                    "Use 1 to 63 characters: lowercase letters, digits, '_', '.' or '-', starting with a letter or digit.");
        }
        return name;
    }
}
