package io.dispatch.policy;

import io.dispatch.config.CapRules;
import io.dispatch.config.NightWindow;
import io.dispatch.config.PolicyConfig;
import io.dispatch.config.TenantPolicy;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.ConsentFlags;
import io.dispatch.protocol.Decision;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import io.dispatch.util.TokenBucket;

/**
 * Decides what happens to one message now: send, defer until an instant, suppress, or (marketing over a
 * rate limit under a reject policy) refuse. The rules run in this order, and the first that does not pass
 * decides (docs/policies.md): send-at, opt-out, ad consent, provider blackout, night window, frequency caps,
 * rate limits. Only marketing is subject to consent, windows and (by default) caps; every class is subject to
 * rate limits, with a share reserved for informational and auth messages.
 * <p>
 * The result is left in {@link #decision()}, {@link #reason()} and {@link #dueAtMs()}, so a decision allocates
 * nothing. A dry run ({@code explain}) takes no token and records no send. <b>Note:</b> single writer, the policy
 * stage thread; the time always comes from the caller so every rule is testable with an injected clock.
 */
public final class PolicyEngine
{
    public static final byte SEND = Decision.SEND.code();
    public static final byte DEFER = Decision.DEFER.code();
    public static final byte SUPPRESS = Decision.SUPPRESS.code();
    /** Not accepted: the client gets NACK RATE_LIMITED and may retry. */
    public static final byte REFUSE = Decision.REFUSE.code();

    private static final int MARKETING = MessageKind.MARKETING.code();
    private static final int CHANNELS = ChannelType.CODES;

    private final PolicyConfig config;
    private final TenantPolicy[] tenants;
    private final ZoneOffsetCache[] zones;
    private final TokenBucket[] tenantBuckets;
    private final TokenBucket[] marketingBuckets;
    private final TokenBucket[] channelBuckets;
    /** The rates as configured or changed at runtime, before a cluster node's {@link #share} scales them. */
    private final long[] tenantRates;
    private final long[] tenantBursts;
    private final int[] reservedPercents;
    private final long[] channelRates;
    private int shareOwned = 1;
    private int shareOf = 1;
    private final RecipientDirectory directory;
    private final FrequencyCaps caps;

    private byte decision;
    private short reason;
    private long dueAtMs;
    private boolean prepaid;

    /** @param tenants indexed by tenant id; null entries get {@link TenantPolicy#DEFAULT}. */
    public PolicyEngine(
        final PolicyConfig config, final TenantPolicy[] tenants, final RecipientDirectory directory, final long nowMs)
    {
        this.config = config;
        this.tenants = tenants.clone();
        this.directory = directory;
        this.zones = new ZoneOffsetCache[tenants.length];
        this.tenantBuckets = new TokenBucket[tenants.length];
        this.marketingBuckets = new TokenBucket[tenants.length];
        this.channelBuckets = new TokenBucket[tenants.length * CHANNELS];
        this.tenantRates = new long[tenants.length];
        this.tenantBursts = new long[tenants.length];
        this.reservedPercents = new int[tenants.length];
        this.channelRates = new long[tenants.length * CHANNELS];
        int depth = 1;
        long retentionMs = 0;
        for (int t = 0; t < tenants.length; t++)
        {
            final TenantPolicy p = tenants[t] == null ? TenantPolicy.DEFAULT : tenants[t];
            this.tenants[t] = p;
            zones[t] = new ZoneOffsetCache(p.timeZone());
            tenantRates[t] = p.ratePerSecond();
            tenantBursts[t] = p.rateBurst();
            reservedPercents[t] = p.reservedPercent();
            tenantBuckets[t] = new TokenBucket(p.ratePerSecond(), p.rateBurst(), nowMs);
            marketingBuckets[t] = new TokenBucket(marketingRate(p.ratePerSecond(), p.reservedPercent()),
                marketingRate(p.rateBurst(), p.reservedPercent()), nowMs);
            for (int c = 0; c < CHANNELS; c++)
            {
                channelRates[t * CHANNELS + c] = p.channelRatePerSecond()[c];
                channelBuckets[t * CHANNELS + c] = new TokenBucket(p.channelRatePerSecond()[c], 0, nowMs);
            }
            for (final CapRules r : p.caps())
            {
                depth = Math.max(depth, r.maxCount());
                retentionMs = Math.max(retentionMs, r.maxWindowMs());
            }
        }
        this.caps = new FrequencyCaps(depth, retentionMs);
    }

    private static long marketingRate(final long rate, final int reservedPercent)
    {
        // never 0 when the tenant is limited: 0 means unlimited to a bucket
        return rate == 0 ? 0 : Math.max(1, rate * (100 - reservedPercent) / 100);
    }

    /**
     * @param recipientKey {@link io.dispatch.policy.DedupIndex#hash} of (tenant, recipient).
     * @param sendAtMs     0, or the instant the client asked the message to be sent.
     * @param prepaid      the message already holds its rate-limit token (it was deferred by a rate limit):
     *                     informational/auth are then not limited again; marketing still needs a tenant token.
     * @param dryRun       explain only: no token taken, no send recorded.
     * @return the decision, also left in {@link #decision()}.
     */
    public byte decide(
        final int tenantId, final int kind, final int channel, final long recipientKey, final long sendAtMs,
        final boolean prepaid, final boolean dryRun, final long nowMs)
    {
        return decide(tenantId, kind, channel, recipientKey, sendAtMs, prepaid, dryRun, nowMs, -1);
    }

    /**
     * @param consentOverride the consent flags the recipient directory holds for a campaign message, or -1 to
     *                        look the address up; an opt-out recorded for the address (CONSENT frame) still wins.
     *                        A direct SUBMIT (-1) is also stopped by an opt-out mirrored from the directory.
     */
    public byte decide(
        final int tenantId, final int kind, final int channel, final long recipientKey, final long sendAtMs,
        final boolean prepaid, final boolean dryRun, final long nowMs, final int consentOverride)
    {
        this.prepaid = prepaid;
        if (!dryRun)
        {
            caps.sweep(nowMs, 2);
        }
        if (sendAtMs > nowMs)
        {
            return result(DEFER, Reason.SCHEDULED, sendAtMs);
        }
        final TenantPolicy policy = tenants[tenantId];
        final boolean marketing = kind == MARKETING;
        if (marketing)
        {
            final int byAddress = directory.flags(recipientKey, channel);
            // a campaign message carries the directory's own flags, so the directory's mirrored opt-out is not read
            final int flags = consentOverride < 0 ? byAddress : consentOverride | (byAddress & ConsentFlags.OPTED_OUT);
            if ((flags & (ConsentFlags.OPTED_OUT | ConsentFlags.DIRECTORY_OPTED_OUT)) != 0)
            {
                return result(SUPPRESS, Reason.OPTED_OUT, 0);
            }
            if (policy.consentRequired() && (flags & ConsentFlags.AD) == 0)
            {
                return result(SUPPRESS, Reason.NO_CONSENT, 0);
            }
            final long offsetMs = zones[tenantId].offsetMs(nowMs);
            final NightWindow blackout = config.blackout()[channel];
            if (blackout.contains(nowMs, offsetMs))
            {
                return policy.suppressAtNight() ? result(SUPPRESS, Reason.OUTSIDE_SEND_WINDOW, 0) :
                    result(DEFER, Reason.NIGHT_WINDOW, blackout.endAfter(nowMs, offsetMs));
            }
            final NightWindow night = config.night()[channel];
            if ((flags & ConsentFlags.NIGHT_AD) == 0 && night.contains(nowMs, offsetMs))
            {
                return policy.suppressAtNight() ? result(SUPPRESS, Reason.NO_NIGHT_CONSENT, 0) :
                    result(DEFER, Reason.NIGHT_WINDOW, night.endAfter(nowMs, offsetMs));
            }
        }
        final CapRules crossChannel = policy.caps(kind, 0);
        final CapRules perChannel = policy.caps(kind, channel);
        // per person when the address is a directory recipient's, so their other addresses count too
        final long subject = crossChannel.isEmpty() && perChannel.isEmpty() ? 0 : directory.capSubject(recipientKey);
        final long crossKey = crossChannel.isEmpty() ? 0 : FrequencyCaps.key(subject, kind, 0);
        final long channelKey = perChannel.isEmpty() ? 0 : FrequencyCaps.key(subject, kind, channel);
        if ((crossKey != 0 && caps.isCapped(crossKey, crossChannel, nowMs)) ||
            (channelKey != 0 && caps.isCapped(channelKey, perChannel, nowMs)))
        {
            return result(SUPPRESS, Reason.FREQUENCY_CAPPED, 0);
        }
        final byte limited = rateLimit(tenantId, policy, marketing, channel, dryRun, nowMs);
        if (limited != SEND)
        {
            return limited;
        }
        if (!dryRun)
        {
            if (crossKey != 0)
            {
                caps.record(crossKey, nowMs);
            }
            if (channelKey != 0)
            {
                caps.record(channelKey, nowMs);
            }
        }
        return result(SEND, Reason.NONE, 0);
    }

    /**
     * Informational and auth messages take from the tenant and sender buckets and may run them into debt, so
     * they queue ahead of everything by their due time. Marketing first takes from its share bucket (rate ×
     * (100 − reserved) %), then only from tokens the tenant and sender buckets hold now, never from their debt:
     * so it can neither exceed its share nor delay a priority message.
     */
    private byte rateLimit(
        final int tenantId, final TenantPolicy policy, final boolean marketing, final int channel, final boolean dryRun,
        final long nowMs)
    {
        final TokenBucket tenant = tenantBuckets[tenantId];
        final TokenBucket sender = channelBuckets[tenantId * CHANNELS + channel];
        if (!marketing)
        {
            if (prepaid)
            {
                return SEND;
            }
            final long wait = Math.max(tenant.waitMs(nowMs), sender.waitMs(nowMs));
            if (dryRun)
            {
                return wait == 0 ? SEND : result(DEFER, Reason.RATE_LIMITED, nowMs + wait);
            }
            final long due = Math.max(tenant.reserve(nowMs), sender.reserve(nowMs));
            if (due == 0)
            {
                return SEND;
            }
            prepaid = true;
            return result(DEFER, Reason.RATE_LIMITED, nowMs + due);
        }
        if (!prepaid)
        {
            final TokenBucket share = marketingBuckets[tenantId];
            final long shareWait = share.waitMs(nowMs);
            if (shareWait > 0)
            {
                if (policy.rejectMarketingOverRate())
                {
                    return result(REFUSE, Reason.RATE_LIMITED, 0);
                }
                if (!dryRun)
                {
                    share.reserve(nowMs);
                    prepaid = true;
                }
                return result(DEFER, Reason.RATE_LIMITED, nowMs + shareWait);
            }
            if (!dryRun)
            {
                share.tryTake(nowMs);
                prepaid = true;
            }
        }
        final long wait = Math.max(tenant.waitMs(nowMs), sender.waitMs(nowMs));
        if (wait > 0)
        {
            if (policy.rejectMarketingOverRate())
            {
                if (!dryRun)
                {
                    marketingBuckets[tenantId].giveBack();
                }
                return result(REFUSE, Reason.RATE_LIMITED, 0);
            }
            return result(DEFER, Reason.RATE_LIMITED, nowMs + wait);
        }
        if (!dryRun)
        {
            tenant.tryTake(nowMs);
            sender.tryTake(nowMs);
        }
        return SEND;
    }

    private byte result(final byte decision, final Reason reason, final long dueAtMs)
    {
        this.decision = decision;
        this.reason = (short)reason.code();
        this.dueAtMs = dueAtMs;
        return decision;
    }

    /** Recovery: a send that happened before the restart counts against the caps again. */
    public void recordSend(final int tenantId, final int kind, final int channel, final long recipientKey, final long atMs)
    {
        final TenantPolicy policy = tenants[tenantId];
        // recovery replays links and sends in journal order, so the subject is the one the live decision used
        final long subject = directory.capSubject(recipientKey);
        if (!policy.caps(kind, 0).isEmpty())
        {
            caps.record(FrequencyCaps.key(subject, kind, 0), atMs);
        }
        if (!policy.caps(kind, channel).isEmpty())
        {
            caps.record(FrequencyCaps.key(subject, kind, channel), atMs);
        }
    }

    /** Admin: a new tenant rate, applied on the policy thread. 0 = unlimited. */
    public void setTenantRate(final int tenantId, final long perSecond, final long burst, final int reservedPercent, final long nowMs)
    {
        tenantRates[tenantId] = perSecond;
        tenantBursts[tenantId] = burst;
        reservedPercents[tenantId] = reservedPercent;
        applyTenantRate(tenantId, nowMs);
    }

    /** Admin: a new sender-profile (tenant × channel) rate. 0 = unlimited. */
    public void setChannelRate(final int tenantId, final int channel, final long perSecond, final long nowMs)
    {
        channelRates[tenantId * CHANNELS + channel] = perSecond;
        channelBuckets[tenantId * CHANNELS + channel].configure(shared(perSecond), 0, nowMs);
    }

    /**
     * Cluster mode: this node sends for {@code owned} of the {@code of} partitions, so it enforces that share of every
     * tenant and sender-profile rate; the nodes' shares add up to the configured rate (rounded down, at least 1/s).
     */
    public void share(final int owned, final int of, final long nowMs)
    {
        shareOwned = owned;
        shareOf = of;
        for (int t = 0; t < tenantBuckets.length; t++)
        {
            applyTenantRate(t, nowMs);
            for (int c = 0; c < CHANNELS; c++)
            {
                channelBuckets[t * CHANNELS + c].configure(shared(channelRates[t * CHANNELS + c]), 0, nowMs);
            }
        }
    }

    private void applyTenantRate(final int tenantId, final long nowMs)
    {
        final long perSecond = shared(tenantRates[tenantId]);
        final long burst = shared(tenantBursts[tenantId]);
        final int reservedPercent = reservedPercents[tenantId];
        tenantBuckets[tenantId].configure(perSecond, burst, nowMs);
        marketingBuckets[tenantId].configure(marketingRate(perSecond, reservedPercent),
            marketingRate(burst > 0 ? burst : perSecond, reservedPercent), nowMs);
    }

    /** A rate scaled to this node's share; 0 (unlimited) stays 0, a limit never rounds down to unlimited. */
    private long shared(final long rate)
    {
        return rate <= 0 || shareOwned == shareOf ? rate : Math.max(1, rate * shareOwned / shareOf);
    }

    /**
     * Admin (policy stage): new frequency-cap rules for a tenant's class on a channel (0 = across channels). Sends
     * count against them from the change on, in the scope they name. Allocates: an operator's change, not a message.
     */
    public void setCaps(final int tenantId, final int kind, final int channel, final CapRules rules)
    {
        tenants[tenantId] = tenants[tenantId].withCaps(kind, channel, rules);
        caps.widen(rules.maxCount(), rules.maxWindowMs());
    }

    /** @return the cap rules in force for a tenant's class on a channel (0 = across channels). */
    public CapRules caps(final int tenantId, final int kind, final int channel)
    {
        return tenants[tenantId].caps(kind, channel);
    }

    public int tenantCount()
    {
        return tenantBuckets.length;
    }

    /** @return the tenant rate in force on this node (its cluster share, if any). */
    public long tenantRate(final int tenantId)
    {
        return tenantBuckets[tenantId].perSecond();
    }

    public long channelRate(final int tenantId, final int channel)
    {
        return channelBuckets[tenantId * CHANNELS + channel].perSecond();
    }

    public byte decision() { return decision; }
    public short reason() { return reason; }
    /** For DEFER: when the message is due again. */
    public long dueAtMs() { return dueAtMs; }
    /** For DEFER: the message already holds its rate-limit token. */
    public boolean prepaid() { return prepaid; }
    public RecipientDirectory directory() { return directory; }
    public FrequencyCaps caps() { return caps; }
    public PolicyConfig config() { return config; }
    public TenantPolicy tenant(final int tenantId) { return tenants[tenantId]; }
}
