package dev.pokepedia.syncclient;

import java.util.Optional;

/**
 * What one {@link SyncClient#sync()} did.
 *
 * @param pushed    operations the server applied
 * @param failed    operations that failed this time (retried later unless given up)
 * @param pulled    server changes applied locally
 * @param conflicts conflicts met (resolved by strategy or opened for manual resolution)
 * @param requests  HTTP requests made
 * @param error     why the sync stopped early (offline, token refused), if it did
 */
public record SyncResult(int pushed, int failed, int pulled, int conflicts, int requests, boolean online, Optional<String> error) {
}
