package io.dispatch.config;

import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.Reason;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where a lane's messages go when the channel cannot reach the recipient: another channel, for the given
 * definite reasons, and optionally when the message was not provider-accepted within {@code afterMs} of
 * its acceptance, or not DELIVERED within {@code undeliveredMs} of the provider accepting it ("push, then SMS if the
 * push is not confirmed within 60 s").
 *
 * @param target        the fallback channel, or null for none.
 * @param reasons       the rejection (or dead-letter) reasons that trigger it.
 * @param afterMs       0 = no deadline fallback.
 * @param undeliveredMs 0 = none; else the receipt wait after which the message falls back instead of expiring.
 */
public record FallbackSettings(ChannelType target, Set<Reason> reasons, long afterMs, long undeliveredMs)
{
    /**
     * Reasons that prove the channel did not and will not deliver. Anything uncertain (timeouts, receipt
     * timeouts, Kakao 3005 "sent, receipt unconfirmed") is excluded: falling back on it can deliver twice.
     */
    public static final Set<Reason> ALLOWED_REASONS = EnumSet.of(
        Reason.NOT_CHANNEL_USER, Reason.RECIPIENT_BLOCKED, Reason.UNREGISTERED, Reason.INVALID_RECIPIENT,
        Reason.RECIPIENT_UNREACHABLE, Reason.UNDELIVERABLE, Reason.OUTSIDE_SEND_WINDOW, Reason.RETRIES_EXHAUSTED);

    /**
     * Transient failures after which the provider may still have taken the send (no answer in time, or an
     * answer that could not be read). A message with such an attempt never falls back from that channel,
     * whatever the later trigger: the first attempt may already have reached the recipient.
     */
    public static final Set<Reason> UNCERTAIN_FAILURES = EnumSet.of(Reason.PROVIDER_TIMEOUT, Reason.PROVIDER_ERROR);

    public static final FallbackSettings NONE = new FallbackSettings(null, Set.of(), 0, 0);

    /** Three-field form: no receipt deadline. */
    public FallbackSettings(final ChannelType target, final Set<Reason> reasons, final long afterMs)
    {
        this(target, reasons, afterMs, 0);
    }

    /**
     * Rejections that say the recipient cannot be reached on the channel at all (no account there, or no valid
     * address), so no earlier attempt reached them either: they trigger the fallback even after an uncertain
     * attempt. Every other trigger, and the deadline, is refused once an attempt may have reached the recipient.
     */
    public static final Set<Reason> NEVER_REACHABLE = EnumSet.of(Reason.NOT_CHANNEL_USER, Reason.INVALID_RECIPIENT);

    /** @return whether a send that failed with {@code reason} may have reached the recipient anyway. */
    public static boolean mayHaveReached(final Reason reason)
    {
        return UNCERTAIN_FAILURES.contains(reason);
    }

    public boolean enabled()
    {
        return target != null;
    }

    /**
     * @param receiptTimeoutMs the lane's receipt wait: a receipt deadline must end before it, or the wait would
     *                         expire the message first.
     */
    static FallbackSettings read(final Settings s, final String prefix, final ChannelType self, final long receiptTimeoutMs)
    {
        final String targetKey = prefix + Configuration.LANE_FALLBACK;
        final String targetName = s.string(targetKey, Configuration.LANE_FALLBACK_DEFAULT);
        final long afterMs = s.longValue(prefix + Configuration.LANE_FALLBACK_AFTER_MS,
            Configuration.LANE_FALLBACK_AFTER_MS_DEFAULT, 0, 30L * 86_400_000);
        final String undeliveredKey = prefix + Configuration.LANE_FALLBACK_UNDELIVERED_MS;
        final long undeliveredMs = s.longValue(undeliveredKey, Configuration.LANE_FALLBACK_UNDELIVERED_MS_DEFAULT, 0,
            30L * 86_400_000);
        if (targetName.isEmpty())
        {
            if (undeliveredMs > 0)
            {
                throw new ConfigurationException(undeliveredKey, "set, but " + targetKey
                    + " is empty: name the channel to fall back to (e.g. " + targetKey + "=sms)");
            }
            return NONE;
        }
        if (undeliveredMs >= receiptTimeoutMs)
        {
            throw new ConfigurationException(undeliveredKey, "must be below " + prefix
                + Configuration.LANE_RECEIPT_TIMEOUT_MS + " (" + receiptTimeoutMs + "), which would expire the message first");
        }
        final ChannelType target;
        try
        {
            target = ChannelType.parse(targetName);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ConfigurationException(targetKey, "'" + targetName + "' is not a channel (sms, push, chat, talktalk, messenger)");
        }
        if (target == self)
        {
            throw new ConfigurationException(targetKey, "a lane cannot fall back to itself");
        }
        final String reasonsKey = prefix + Configuration.LANE_FALLBACK_REASONS;
        final EnumSet<Reason> reasons = EnumSet.noneOf(Reason.class);
        for (final String name : s.string(reasonsKey, Configuration.LANE_FALLBACK_REASONS_DEFAULT).split(","))
        {
            if (name.isBlank())
            {
                continue;
            }
            final Reason r;
            try
            {
                r = Reason.valueOf(name.trim().toUpperCase(java.util.Locale.ROOT));
            }
            catch (final IllegalArgumentException ex)
            {
                throw new ConfigurationException(reasonsKey, "'" + name.trim() + "' is not a reason; allowed: " + ALLOWED_REASONS);
            }
            if (!ALLOWED_REASONS.contains(r))
            {
                throw new ConfigurationException(reasonsKey, r + " is not a definite failure (it could still deliver, "
                    + "so a fallback could deliver twice); allowed: " + ALLOWED_REASONS);
            }
            reasons.add(r);
        }
        if (reasons.isEmpty() && afterMs == 0 && undeliveredMs == 0)
        {
            throw new ConfigurationException(reasonsKey, "empty, and no " + Configuration.LANE_FALLBACK_AFTER_MS
                + " or " + Configuration.LANE_FALLBACK_UNDELIVERED_MS + ": the fallback could never trigger");
        }
        return new FallbackSettings(target, Set.copyOf(reasons), afterMs, undeliveredMs);
    }
}
