package io.dispatch.admin;

import com.lmax.disruptor.EventTranslatorOneArg;
import io.dispatch.config.CapRules;
import io.dispatch.ring.DispatchEvent;

/**
 * An operator's runtime change as the POLICY_UPDATE the admin endpoints publish through the admin port
 * ({@code RingPorts#admin}): a tenant's rate (channel 0 = across channels), a tenant's caps of one class, or a
 * lane's rate (tenant 0). Allocated per admin request, never per message; immutable, so any admin thread may
 * publish one.
 */
public final class PolicyUpdate
{
    /** Fills a slot with the change. */
    public static final EventTranslatorOneArg<DispatchEvent, PolicyUpdate> TRANSLATOR = PolicyUpdate::translate;

    private final int tenantId;
    private final byte kind;
    private final byte channel;
    private final CapRules capRules;
    private final long ratePerSecond;
    private final long rateBurst;
    private final int reservedPercent;
    private final long atMs;

    private PolicyUpdate(
        final int tenantId, final byte kind, final byte channel, final CapRules capRules, final long ratePerSecond,
        final long rateBurst, final int reservedPercent, final long atMs)
    {
        this.tenantId = tenantId;
        this.kind = kind;
        this.channel = channel;
        this.capRules = capRules;
        this.ratePerSecond = ratePerSecond;
        this.rateBurst = rateBurst;
        this.reservedPercent = reservedPercent;
        this.atMs = atMs;
    }

    /** A tenant's rate, on one channel or (channel 0) across channels; the policy stage stamps its time. */
    public static PolicyUpdate tenantRate(
        final int tenantId, final int channel, final long perSecond, final long burst, final int reservedPercent)
    {
        return new PolicyUpdate(tenantId, (byte)0, (byte)channel, null, perSecond, burst, reservedPercent, 0);
    }

    /** A tenant's frequency caps of one class, on one channel or (channel 0) across channels. */
    public static PolicyUpdate tenantCaps(final int tenantId, final byte kind, final byte channel, final CapRules rules)
    {
        return new PolicyUpdate(tenantId, kind, channel, rules, 0, 0, 0, 0);
    }

    /** A lane's rate (tenant 0), journaled with the time the lane took it. */
    public static PolicyUpdate laneRate(
        final byte channel, final long perSecond, final long burst, final int reservedPercent, final long atMs)
    {
        return new PolicyUpdate(0, (byte)0, channel, null, perSecond, burst, reservedPercent, atMs);
    }

    private static void translate(final DispatchEvent e, final long sequence, final PolicyUpdate u)
    {
        e.reset(DispatchEvent.POLICY_UPDATE);
        e.tenantId = u.tenantId;
        e.kind = u.kind;
        e.channel = u.channel;
        e.capRules = u.capRules;
        e.ratePerSecond = u.ratePerSecond;
        e.rateBurst = u.rateBurst;
        e.reservedPercent = u.reservedPercent;
        e.acceptedAtMs = u.atMs;
    }
}
