package dev.pokepedia.sync;

/** A verified token: its user and its claims as JSON (what {@code request.jwt.claims} is set to). */
public record AuthenticatedUser(UserId user, String claimsJson) {
    @Override
    public String toString() {
        return "AuthenticatedUser[" + user + "]";
    }
}
