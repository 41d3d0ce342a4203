package io.dispatch.ingest;

import io.dispatch.config.AuthLimits;
import io.dispatch.config.Configuration;
import io.dispatch.config.TenantConfig;
import io.dispatch.config.TenantRegistry;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.status.Counter;
import io.dispatch.status.Counters;
import org.agrona.concurrent.EpochClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Decides a HELLO's credentials (docs/security.md "Credentials"): throttles source addresses that keep failing,
 * answers plain keys and recently verified hashed keys at once, and hands the rest to the {@link KeyVerifier}
 * thread, answering on the connection's event loop. Thread-safe: shared by every event loop.
 */
final class HelloAuthenticator
{
    /** Distinct keys waiting to be hashed, of all addresses together; each address holds at most its burst. */
    static final int MAX_PENDING_VERIFICATIONS = 256;
    private static final Logger LOG = LoggerFactory.getLogger(HelloAuthenticator.class);

    interface Outcome
    {
        void accepted(TenantConfig tenant);

        void refused(ErrorCode code, String detail);
    }

    private final TenantRegistry tenants;
    private final AuthThrottle throttle;
    private final KeyVerifier verifier;
    private final Counters counters;
    private final EpochClock clock;
    private final AuthLimits limits;

    HelloAuthenticator(
        final TenantRegistry tenants, final List<TenantConfig> configured, final AuthLimits limits,
        final Counters counters, final EpochClock clock)
    {
        this.tenants = tenants;
        this.limits = limits;
        this.throttle = new AuthThrottle(limits);
        this.verifier = new KeyVerifier(tenants, MAX_PENDING_VERIFICATIONS);
        this.counters = counters;
        this.clock = clock;
        for (final TenantConfig t : configured)
        {
            if (!t.apiKey().isHashed() || (t.apiKeyNext() != null && !t.apiKeyNext().isHashed()))
            {
                LOG.warn("event=plain_api_key tenant={} hint=\"{}{}.{} holds the key itself, which is for " +
                    "development: configure its hash instead (scripts/hash-key)\"", t.name(),
                    Configuration.TENANT_PREFIX, t.name(), t.apiKey().isHashed()
                    ? Configuration.TENANT_API_KEY_NEXT : Configuration.TENANT_API_KEY);
            }
        }
    }

    /**
     * On the connection's event loop. {@code outcome} is called exactly once: at once, or later on {@code loop}
     * when the key has to be hashed.
     */
    void authenticate(
        final String tenantName, final String key, final SocketAddress remote, final Executor loop,
        final Outcome outcome)
    {
        final InetAddress address = AuthThrottle.keyOf(remote);
        final long nowMs = clock.time();
        final long waitMs = throttle.waitMs(address, nowMs);
        if (waitMs != 0)
        {
            counters.increment(Counter.AUTH_THROTTLED);
            if (waitMs < 0)
            {
                LOG.warn("event=auth_throttled remote={} burst={} interval_ms={} retry_in_ms={} " +
                    "hint=\"further HELLOs from this address are refused RATE_LIMITED until then, unlogged\"",
                    remote, limits.burst(), limits.intervalMs(), -waitMs);
            }
            outcome.refused(ErrorCode.RATE_LIMITED, "too many failed HELLOs from this address; retry in " +
                Math.abs(waitMs) + " ms");
            return;
        }
        final TenantConfig t = tenants.tenant(tenantName);
        if (t == null || key == null)
        {
            throttle.failed(address, nowMs);
            refuse(tenantName, remote, outcome);
            return;
        }
        final byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        final byte[] digest = TenantRegistry.digest(keyBytes);
        final int checked = tenants.check(t, keyBytes, digest, nowMs);
        if (checked == TenantRegistry.MATCH)
        {
            outcome.accepted(t);
            return;
        }
        if (checked == TenantRegistry.MISMATCH)
        {
            throttle.failed(address, nowMs);
            refuse(tenantName, remote, outcome);
            return;
        }
        // the token is taken before the hash, so one address cannot queue more guesses than its burst; a HELLO
        // that only waits for the same key's hash, or is refused, gives it back at once, a right key later
        throttle.failed(address, nowMs);
        final int queued = verifier.submit(t, keyBytes, digest, nowMs, (ok, first) ->
        {
            if (ok && first)
            {
                throttle.succeeded(address);
            }
            answerOn(loop, () ->
            {
                if (ok)
                {
                    outcome.accepted(t);
                }
                else
                {
                    refuse(tenantName, remote, outcome);
                }
            });
        });
        if (queued != KeyVerifier.QUEUED)
        {
            throttle.succeeded(address);
        }
        if (queued == KeyVerifier.FULL)
        {
            counters.increment(Counter.AUTH_THROTTLED);
            outcome.refused(ErrorCode.BACKPRESSURE, MAX_PENDING_VERIFICATIONS + " keys are waiting to be " +
                "verified; retry later");
        }
    }

    private void refuse(final String tenantName, final SocketAddress remote, final Outcome outcome)
    {
        counters.increment(Counter.AUTH_FAILURES);
        LOG.warn("event=auth_failed tenant={} remote={}", tenantName, remote);
        outcome.refused(ErrorCode.AUTH_FAILED, "unknown tenant or wrong key");
    }

    private static void answerOn(final Executor loop, final Runnable answer)
    {
        try
        {
            loop.execute(answer);
        }
        catch (final RejectedExecutionException ex)
        {
            // the event loop has stopped: the connection is gone with it
        }
    }
}
