package dev.pokepedia.app;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import dev.pokepedia.core.PokepediaException;
import dev.pokepedia.sync.SyncConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pokepedia token --user ID}: a /sync/v1 bearer token signed with the server's secret, for trying sync against
 * a local {@code serve} (an app in production gets its tokens from its auth provider, e.g. Supabase Auth).
 */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = {"Prints an HS256 token for /sync/v1 (sub = the user) signed with POKEPEDIA_JWT_SECRET or SUPABASE_JWT_SECRET.",
                "For trying sync against a local serve; production apps get tokens from their auth provider."})
final class TokenCommand implements Callable<Integer> {

    @Option(names = "--user", paramLabel = "ID", required = true, description = "The user id (the token's sub claim).")
    String user;

    @Option(names = "--ttl", paramLabel = "DURATION", defaultValue = "PT12H",
            description = "How long the token is valid, ISO-8601 (default: PT12H = 12 hours).")
    Duration ttl;

    @Override
    public Integer call() {
        SyncConfig config = SyncConfig.fromEnv(System.getenv());
        if (config.jwtSecret().isEmpty()) {
            throw new PokepediaException(PokepediaException.ErrorCode.CONFIGURATION, "no JWT secret to sign with",
                    "set " + SyncConfig.SECRET_ENV + " (or " + SyncConfig.SUPABASE_SECRET_ENV + ") to the secret `pokepedia serve` uses", null);
        }
        if (user.isBlank() || ttl.isNegative() || ttl.isZero()) {
            throw new PokepediaException(PokepediaException.ErrorCode.CONFIGURATION, "bad token request: --user must not be blank and --ttl must be positive",
                    "e.g. pokepedia token --user alice --ttl PT1H", null);
        }
        // why role: Supabase's tokens carry it; the server maps the caller to the `authenticated` role either way
        System.out.println(JWT.create().withSubject(user).withClaim("role", "authenticated").withIssuedAt(Instant.now())
                .withExpiresAt(Instant.now().plus(ttl)).sign(Algorithm.HMAC256(config.jwtSecret().get())));
        return 0;
    }
}
