package io.dispatch.stage;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The rate limits in force, as last applied by the policy stage, for the admin endpoint to read from any
 * thread. Indexed by tenant id × 4 + channel code (channel 0 = the tenant's own rate). 0 = unlimited.
 */
public final class PolicyRates
{
    private final AtomicLongArray perSecond;

    public PolicyRates(final int tenantSlots)
    {
        perSecond = new AtomicLongArray(tenantSlots * 4);
    }

    public void publish(final int tenantId, final int channel, final long ratePerSecond)
    {
        perSecond.set(tenantId * 4 + channel, ratePerSecond);
    }

    public long get(final int tenantId, final int channel)
    {
        return perSecond.get(tenantId * 4 + channel);
    }
}
