package io.dispatch.stage;

import io.dispatch.config.CapRules;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.MessageKind;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The frequency-cap rules in force, as last applied by the policy stage, for the admin endpoint to read from any
 * thread, with when an operator last changed them at runtime (0 = as configured). Indexed by tenant id, kind and
 * channel code (channel 0 = across channels) in the layout of {@link io.dispatch.config.TenantPolicy#caps}.
 */
public final class PolicyCaps
{
    private static final int PER_KIND = ChannelType.CODES;
    private static final int PER_TENANT = (MessageKind.values().length + 1) * PER_KIND;

    private final AtomicReferenceArray<CapRules> rules;
    private final AtomicLongArray changedAtMs;

    public PolicyCaps(final int tenantSlots)
    {
        rules = new AtomicReferenceArray<>(tenantSlots * PER_TENANT);
        changedAtMs = new AtomicLongArray(tenantSlots * PER_TENANT);
    }

    /** @param changedAtMs when an operator changed them at runtime; 0 = from the configuration. */
    public void publish(final int tenantId, final int kind, final int channel, final CapRules caps, final long changedAtMs)
    {
        final int i = index(tenantId, kind, channel);
        this.changedAtMs.set(i, changedAtMs);
        rules.set(i, caps);
    }

    /** @return the rules in force, {@link CapRules#NONE} when there are none. */
    public CapRules get(final int tenantId, final int kind, final int channel)
    {
        final CapRules r = rules.get(index(tenantId, kind, channel));
        return r == null ? CapRules.NONE : r;
    }

    /** @return when the rules were changed at runtime, or 0 when they are the configured ones. */
    public long changedAtMs(final int tenantId, final int kind, final int channel)
    {
        return changedAtMs.get(index(tenantId, kind, channel));
    }

    private static int index(final int tenantId, final int kind, final int channel)
    {
        return tenantId * PER_TENANT + kind * PER_KIND + channel;
    }
}
