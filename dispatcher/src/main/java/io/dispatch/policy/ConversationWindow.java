package io.dispatch.policy;

import io.dispatch.connector.InboundEvent;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.Long2ObjectHashMap;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The conversation window rule (docs/policies.md): on a channel with a window ({@code policy.window.<channel>.hours},
 * Messenger's 24 h by default), business messages may go untagged only within the window after the user's last
 * message; outside it marketing is suppressed and other classes need a message tag for their template (the
 * Messenger lane's {@code tag.<templateId>}), else they are suppressed too, both with
 * {@link Reason#OUTSIDE_CONVERSATION_WINDOW}.
 * <p>
 * The last inbound MESSAGE per (channel, tenant, sender address) comes through {@link InboundObserver}: live from the
 * policy stage once each event is journaled, and from recovery for every journaled INBOUND record, so the windows
 * are the same after a restart. A Messenger PSID is scoped to its Page, so the address already means "per Page".
 * Expired entries are swept as the map grows, so memory follows the users who wrote within the window.
 * <p>
 * <b>Note:</b> single writer, the policy stage thread (recovery runs on it before the ring starts). A decision
 * allocates nothing.
 */
public final class ConversationWindow implements InboundObserver
{
    /** {@link #check} results besides a tag index (1..): send as a reply, inside the window. */
    public static final int INSIDE = 0;
    /** Outside the window and not allowed there: suppress. */
    public static final int SUPPRESS = -1;
    /** Explain: the channel has no window rule. */
    public static final byte STATE_NONE = 0;
    public static final byte STATE_OPEN = 1;
    public static final byte STATE_CLOSED = 2;
    /** Tag codes on the wire (EXPLAIN_RESULT): 0 none, then Meta's allowed tags in this order. */
    public static final String[] TAGS = {null, "CONFIRMED_EVENT_UPDATE", "POST_PURCHASE_UPDATE", "ACCOUNT_UPDATE",
        "HUMAN_AGENT"};
    private static final int MARKETING = MessageKind.MARKETING.code();
    private static final int FIRST_SWEEP_AT = 1 << 16;

    private final long[] windowMs;
    private final long longestMs;
    /** channel-mixed recipient key → epoch ms of the user's last message. */
    private final Long2LongHashMap lastMessageMs = new Long2LongHashMap(1024, 0.65f, 0);
    /** hash of (channel, template id) → tag code. */
    private final Long2ObjectHashMap<Integer> tagByTemplate = new Long2ObjectHashMap<>();
    private int sweepAt = FIRST_SWEEP_AT;

    /**
     * @param windowMs per channel code, the window length; 0 = no rule.
     * @param tags     per channel, template id → tag (one of {@link #TAGS}).
     */
    public ConversationWindow(final long[] windowMs, final Map<ChannelType, Map<String, String>> tags)
    {
        this.windowMs = windowMs.clone();
        long longest = 0;
        for (final long w : windowMs)
        {
            longest = Math.max(longest, w);
        }
        this.longestMs = longest;
        tags.forEach((channel, byTemplate) -> byTemplate.forEach((template, tag) ->
        {
            final int code = tagCode(tag);
            if (code <= 0)
            {
                throw new IllegalArgumentException("not an allowed message tag: " + tag);
            }
            final byte[] id = template.getBytes(StandardCharsets.UTF_8);
            tagByTemplate.put(templateKey(channel.code(), id, 0, id.length), Integer.valueOf(code));
        }));
    }

    public static int tagCode(final String tag)
    {
        for (int i = 1; i < TAGS.length; i++)
        {
            if (TAGS[i].equals(tag))
            {
                return i;
            }
        }
        return 0;
    }

    public boolean applies(final int channel)
    {
        return channel > 0 && channel < windowMs.length && windowMs[channel] > 0;
    }

    @Override
    public void onInbound(
        final int tenantId, final byte channel, final long recipientKey, final String to, final InboundEvent.Kind kind,
        final long atMs)
    {
        if (kind != InboundEvent.Kind.MESSAGE || !applies(channel))
        {
            return;
        }
        final long key = key(channel, recipientKey);
        if (atMs > lastMessageMs.get(key))
        {
            lastMessageMs.put(key, atMs);
        }
        if (lastMessageMs.size() >= sweepAt)
        {
            sweep(atMs);
        }
    }

    /** @return the epoch ms of the user's last message on the channel, or 0 when none is known. */
    public long lastMessageMs(final int channel, final long recipientKey)
    {
        return lastMessageMs.get(key(channel, recipientKey));
    }

    public boolean isOpen(final int channel, final long recipientKey, final long nowMs)
    {
        final long last = lastMessageMs(channel, recipientKey);
        return last != 0 && nowMs - last < windowMs[channel];
    }

    /**
     * @param template the SUBMIT's template id bytes ({@code templateLength} 0 for a text message).
     * @return {@link #INSIDE}, a tag code (outside, tagged) or {@link #SUPPRESS}.
     */
    public int check(
        final int channel, final int kind, final long recipientKey, final byte[] template, final int templateOffset,
        final int templateLength, final long nowMs)
    {
        if (isOpen(channel, recipientKey, nowMs))
        {
            return INSIDE;
        }
        if (kind == MARKETING)
        {
            // tags are for non-promotional updates only
            return SUPPRESS;
        }
        final int tag = tag(channel, template, templateOffset, templateLength);
        return tag > 0 ? tag : SUPPRESS;
    }

    /** @return the tag code of the template on the channel, 0 for none. */
    public int tag(final int channel, final byte[] template, final int offset, final int length)
    {
        if (length == 0)
        {
            return 0;
        }
        final Integer code = tagByTemplate.get(templateKey(channel, template, offset, length));
        return code == null ? 0 : code;
    }

    private void sweep(final long nowMs)
    {
        final Long2LongHashMap.EntryIterator it = lastMessageMs.entrySet().iterator();
        while (it.hasNext())
        {
            it.next();
            if (nowMs - it.getLongValue() >= longestMs)
            {
                it.remove();
            }
        }
        sweepAt = Math.max(FIRST_SWEEP_AT, lastMessageMs.size() * 2);
    }

    private static long key(final int channel, final long recipientKey)
    {
        // the same address text on two channels (a PSID and a phone number are both digits) is two windows
        return recipientKey ^ channel * 0x9E3779B97F4A7C15L;
    }

    private static long templateKey(final int channel, final byte[] b, final int offset, final int length)
    {
        return DedupIndex.hash(channel, b, offset, length);
    }
}
