package io.dispatch.ingest;

import io.dispatch.config.TenantConfig;
import io.dispatch.config.TenantRegistry;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Hashes presented keys against hashed API keys on its own thread, so that a HELLO storm never stalls an event
 * loop. HELLOs presenting the same key for the same tenant while it is being hashed wait for that one result
 * (a pool of connections opening at once costs one hash). At most {@code maxPending} distinct keys wait. The
 * thread is a daemon that exists only while there is work (it ends 10 s after the last hash), so it needs no
 * stopping.
 */
final class KeyVerifier
{
    private static final Logger LOG = LoggerFactory.getLogger(KeyVerifier.class);
    static final int QUEUED = 0;
    static final int JOINED = 1;
    static final int FULL = 2;

    interface Waiter
    {
        /** Called on the verifier thread; {@code first} for the waiter whose {@link #submit} queued the key. */
        void verified(boolean ok, boolean first);
    }

    private record Pending(int tenantId, ByteBuffer digest)
    {
    }

    private final TenantRegistry tenants;
    private final int maxPending;
    private final ThreadPoolExecutor executor;
    private final Map<Pending, List<Waiter>> pending = new HashMap<>();

    KeyVerifier(final TenantRegistry tenants, final int maxPending)
    {
        this.tenants = tenants;
        this.maxPending = maxPending;
        this.executor = new ThreadPoolExecutor(1, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
            new DefaultThreadFactory("ingest-auth", true));
        executor.allowCoreThreadTimeOut(true);
    }

    /** @return {@link #QUEUED} (this caller's key is hashed next), {@link #JOINED} or {@link #FULL} (refuse). */
    int submit(final TenantConfig t, final byte[] key, final byte[] digest, final long nowMs, final Waiter waiter)
    {
        final Pending p = new Pending(t.id(), ByteBuffer.wrap(digest));
        synchronized (this)
        {
            final List<Waiter> waiting = pending.get(p);
            if (waiting != null)
            {
                waiting.add(waiter);
                return JOINED;
            }
            if (pending.size() >= maxPending)
            {
                return FULL;
            }
            final List<Waiter> first = new ArrayList<>(2);
            first.add(waiter);
            pending.put(p, first);
        }
        try
        {
            executor.execute(() -> complete(p, verify(t, key, digest, nowMs)));
            return QUEUED;
        }
        catch (final RejectedExecutionException ex)
        {
            synchronized (this)
            {
                pending.remove(p);
            }
            return FULL; // cannot happen: the executor is never shut down
        }
    }

    private boolean verify(final TenantConfig t, final byte[] key, final byte[] digest, final long nowMs)
    {
        try
        {
            return tenants.verify(t, key, digest, nowMs);
        }
        catch (final RuntimeException ex)
        {
            // a bug, not the client's key; its waiters must still get an answer
            LOG.error("event=key_verification_failed tenant={} error={}", t.name(), ex.toString());
            return false;
        }
    }

    private void complete(final Pending p, final boolean ok)
    {
        final List<Waiter> waiting;
        synchronized (this)
        {
            waiting = pending.remove(p);
        }
        for (int i = 0; i < waiting.size(); i++)
        {
            waiting.get(i).verified(ok, i == 0);
        }
    }
}
