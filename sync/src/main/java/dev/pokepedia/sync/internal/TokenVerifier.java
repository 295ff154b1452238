package dev.pokepedia.sync.internal;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.AlgorithmMismatchException;
import com.auth0.jwt.exceptions.JWTDecodeException;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.exceptions.MissingClaimException;
import com.auth0.jwt.exceptions.SignatureVerificationException;
import com.auth0.jwt.exceptions.TokenExpiredException;
import com.auth0.jwt.interfaces.DecodedJWT;
import dev.pokepedia.sync.AuthenticatedUser;
import dev.pokepedia.sync.SyncException;
import dev.pokepedia.sync.UserId;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;

/** HS256 bearer tokens as Supabase issues them: signature, {@code exp} (required), {@code sub} = the user. */
public final class TokenVerifier {

    private final JWTVerifier verifier;

    public TokenVerifier(String secret, Duration leeway, Clock clock) {
        var verification = JWT.require(Algorithm.HMAC256(secret.getBytes(StandardCharsets.UTF_8)))
                .withClaimPresence("exp").withClaimPresence("sub").acceptLeeway(leeway.toSeconds());
        this.verifier = ((JWTVerifier.BaseVerification) verification).build(clock);
    }

    /** @param authorization the whole Authorization header value (may be null) */
    public AuthenticatedUser verify(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw unauthorized("missing Authorization header: send \"Authorization: Bearer <JWT>\"");
        }
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw unauthorized("the Authorization header must be \"Bearer <JWT>\"");
        }
        String token = authorization.substring(7).trim();
        DecodedJWT jwt;
        try {
            jwt = verifier.verify(token);
        } catch (TokenExpiredException e) {
            throw unauthorized("the token expired at " + e.getExpiredOn() + "; get a new one");
        } catch (SignatureVerificationException e) {
            throw unauthorized("the token's signature does not verify (forged, or signed with another secret)");
        } catch (AlgorithmMismatchException e) {
            throw unauthorized("the token is not signed with HS256");
        } catch (MissingClaimException e) {
            throw unauthorized("the token has no \"" + e.getClaimName() + "\" claim (sub = user id and exp are required)");
        } catch (JWTDecodeException e) {
            throw unauthorized("the token is not a JWT");
        } catch (JWTVerificationException e) {
            throw unauthorized("the token is not valid: " + e.getMessage());
        }
        String sub = jwt.getSubject();
        if (sub == null || sub.isBlank() || sub.length() > 200) {
            throw unauthorized("the token's \"sub\" (the user id) must be a string of 1 to 200 characters");
        }
        String claims = new String(Base64.getUrlDecoder().decode(jwt.getPayload()), StandardCharsets.UTF_8);
        return new AuthenticatedUser(new UserId(sub), claims);
    }

    private static SyncException unauthorized(String message) {
        return new SyncException(SyncException.Kind.UNAUTHORIZED, message);
    }
}
