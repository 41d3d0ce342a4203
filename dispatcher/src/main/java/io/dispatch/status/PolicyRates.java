package io.dispatch.status;

import io.dispatch.protocol.ChannelType;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The rate limits in force, as last applied by the policy stage, for the admin endpoint to read from any
 * thread, with when an operator last changed them at runtime (0 = as configured). Indexed by tenant id ×
 * {@link ChannelType#CODES} + channel code (channel 0 = the tenant's own rate). 0 = unlimited.
 */
public final class PolicyRates
{
    private static final int STRIDE = ChannelType.CODES;

    private final AtomicLongArray perSecond;
    private final AtomicLongArray changedAtMs;
    /** Cluster mode: the tenant rate this node enforces (its share of the configured one); -1 = the configured one. */
    private final AtomicLongArray inForce;

    public PolicyRates(final int tenantSlots)
    {
        perSecond = new AtomicLongArray(tenantSlots * STRIDE);
        changedAtMs = new AtomicLongArray(tenantSlots * STRIDE);
        inForce = new AtomicLongArray(tenantSlots);
        for (int t = 0; t < tenantSlots; t++)
        {
            inForce.set(t, -1);
        }
    }

    public int tenantSlots()
    {
        return inForce.length();
    }

    /** Cluster mode, policy stage: the tenant rate this node enforces after splitting it with the other nodes. */
    public void publishInForce(final int tenantId, final long ratePerSecond)
    {
        inForce.set(tenantId, ratePerSecond);
    }

    /** @return the tenant rate this node enforces: its cluster share, or the configured one on a single node. */
    public long inForce(final int tenantId)
    {
        final long v = inForce.get(tenantId);
        return v < 0 ? perSecond.get(tenantId * STRIDE) : v;
    }

    /** A configured rate. */
    public void publish(final int tenantId, final int channel, final long ratePerSecond)
    {
        publish(tenantId, channel, ratePerSecond, 0);
    }

    /** @param changedAtMs when an operator changed it at runtime; 0 = from the configuration. */
    public void publish(final int tenantId, final int channel, final long ratePerSecond, final long changedAtMs)
    {
        this.changedAtMs.set(tenantId * STRIDE + channel, changedAtMs);
        perSecond.set(tenantId * STRIDE + channel, ratePerSecond);
    }

    /** @return when the rate was changed at runtime, or 0 when it is the configured one. */
    public long changedAtMs(final int tenantId, final int channel)
    {
        return changedAtMs.get(tenantId * STRIDE + channel);
    }

    public long get(final int tenantId, final int channel)
    {
        return perSecond.get(tenantId * STRIDE + channel);
    }
}
