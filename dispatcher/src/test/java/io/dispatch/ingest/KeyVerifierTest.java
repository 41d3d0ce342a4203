package io.dispatch.ingest;

import io.dispatch.config.ApiKey;
import io.dispatch.config.TenantConfig;
import io.dispatch.config.TenantRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KeyVerifierTest
{
    /** Slow enough (about a second) that two submits microseconds apart find the first still hashing. */
    private static final int SLOW = 1_000_000;

    @Test
    void shouldHashAKeyOnceForEveryHelloWaitingForItAndRememberTheMatch() throws Exception
    {
        final TenantRegistry tenants = new TenantRegistry(List.of(
            new TenantConfig(1, "acme", ApiKey.hash("right", SLOW, new SecureRandom()))));
        final TenantConfig acme = tenants.tenant("acme");
        final KeyVerifier verifier = new KeyVerifier(tenants, 1);
        final byte[] key = bytes("right");
        final byte[] digest = TenantRegistry.digest(key);
        assertThat(tenants.check(acme, key, digest, 0)).isEqualTo(TenantRegistry.NEEDS_HASHING);

        final CompletableFuture<String> first = new CompletableFuture<>();
        final CompletableFuture<String> second = new CompletableFuture<>();
        assertThat(verifier.submit(acme, key, digest, 0, (ok, f) -> first.complete(ok + "/" + f)))
            .isEqualTo(KeyVerifier.QUEUED);
        assertThat(verifier.submit(acme, key, digest, 0, (ok, f) -> second.complete(ok + "/" + f)))
            .as("the same key joins the hash under way").isEqualTo(KeyVerifier.JOINED);
        final byte[] other = bytes("wrong");
        assertThat(verifier.submit(acme, other, TenantRegistry.digest(other), 0, (ok, f) -> { }))
            .as("a second distinct key is over maxPending").isEqualTo(KeyVerifier.FULL);

        assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo("true/true");
        assertThat(second.get(30, TimeUnit.SECONDS)).isEqualTo("true/false");
        assertThat(tenants.check(acme, key, digest, 1)).as("remembered").isEqualTo(TenantRegistry.MATCH);
        assertThat(tenants.check(acme, key, digest, TenantRegistry.VERIFIED_TTL_MS))
            .as("for a while").isEqualTo(TenantRegistry.NEEDS_HASHING);
        assertThat(tenants.check(acme, other, TenantRegistry.digest(other), 1)).isEqualTo(TenantRegistry.NEEDS_HASHING);

        final CompletableFuture<Boolean> wrong = new CompletableFuture<>();
        assertThat(verifier.submit(acme, other, TenantRegistry.digest(other), 1, (ok, f) -> wrong.complete(ok)))
            .isEqualTo(KeyVerifier.QUEUED);
        assertThat(wrong.get(30, TimeUnit.SECONDS)).isFalse();
    }

    private static byte[] bytes(final String s)
    {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
