package dev.pokepedia.core;

/** A flag or environment variable is missing or malformed. */
public class ConfigurationException extends PokepediaException {
    public ConfigurationException(String message, String hint) {
        super(ErrorCode.CONFIGURATION, message, hint, null);
    }
}
