package dev.pokepedia.server;

import dev.pokepedia.core.PokepediaException;

/** An admin action this process cannot perform (not wired into {@code serve}); answered with 501. */
public class ActionUnavailableException extends PokepediaException {
    public ActionUnavailableException(String action) {
        super(ErrorCode.CONFIGURATION, "The '" + action + "' action is not available in this server process",
                "Run it from the command line (./pokepedia --help), or use a build of serve that wires it", null);
    }
}
