package io.dispatch.cluster;

import io.dispatch.config.TenantRegistry;
import io.dispatch.protocol.FrameDescriptor;
import io.dispatch.targeting.Requester;
import io.dispatch.targeting.TargetingConductor;
import io.dispatch.targeting.TargetingRequest;
import io.netty.buffer.ByteBuf;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * This node's own targeting thread, as the cluster's topic readers use it: they hand it the directory rows and
 * campaign requests they read, and wait for its answer frame when they need it (campaign requests are rare).
 */
final class LocalTargeting
{
    /** How long a reader waits for the targeting thread's answer: it is busy for at most one campaign start. */
    static final long ANSWER_TIMEOUT_MS = 10_000;

    private volatile TargetingConductor conductor;
    private volatile TenantRegistry tenants;

    void attach(final TargetingConductor conductor, final TenantRegistry tenants)
    {
        this.tenants = tenants;
        this.conductor = conductor;
    }

    TenantRegistry tenants()
    {
        return tenants;
    }

    /** @return the engine's id of the tenant, 0 when this node does not have it. */
    int tenantId(final String name)
    {
        final TenantRegistry t = tenants;
        return t == null ? 0 : Math.max(0, t.idOf(name));
    }

    /** Offers a request, waiting (bounded) while the targeting thread's inbox is full. @return false: not taken. */
    boolean offer(final TargetingRequest request, final long timeoutMs)
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!conductor.offer(request))
        {
            if (System.nanoTime() > deadline || Thread.currentThread().isInterrupted())
            {
                return false;
            }
            LockSupport.parkNanos(1_000_000); // the inbox has no event to await
        }
        return true;
    }

    /** Runs a request here and waits for its answer. @return the whole answer frame, or null when none came in time. */
    byte[] call(final int type, final int tenantId, final byte[] body)
    {
        final Capture capture = new Capture();
        if (!offer(new TargetingRequest(type, tenantId, capture, 0, body), ANSWER_TIMEOUT_MS))
        {
            return null;
        }
        try
        {
            return capture.answer.get(ANSWER_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return null;
        }
        catch (final ExecutionException | TimeoutException ex)
        {
            return null;
        }
    }

    /** @return the frame type of an answer. */
    static byte type(final byte[] frame)
    {
        return frame[FrameDescriptor.TYPE_OFFSET];
    }

    /** Keeps an answer frame's bytes. */
    static final class Capture implements Requester
    {
        final CompletableFuture<byte[]> answer = new CompletableFuture<>();

        @Override
        public void answer(final ByteBuf frame)
        {
            try
            {
                final byte[] b = new byte[frame.readableBytes()];
                frame.getBytes(frame.readerIndex(), b);
                answer.complete(b);
            }
            finally
            {
                frame.release();
            }
        }
    }
}
