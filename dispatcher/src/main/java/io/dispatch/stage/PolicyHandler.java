package io.dispatch.stage;

import com.lmax.disruptor.EventHandler;
import io.dispatch.config.AdMarkingMode;
import io.dispatch.config.CapRules;
import io.dispatch.inbound.InboundBody;
import io.dispatch.journal.PolicyState;
import io.dispatch.policy.ConversationWindow;
import io.dispatch.policy.DedupIndex;
import io.dispatch.policy.InboundObserver;
import io.dispatch.policy.PolicyEngine;
import io.dispatch.policy.RecipientDirectory;
import io.dispatch.policy.RecipientKeys;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.ConsentFrame;
import io.dispatch.protocol.Decision;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.status.CancelledCampaigns;
import io.dispatch.status.Counter;
import io.dispatch.status.Counters;
import io.dispatch.status.PolicyRates;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.EpochClock;

/**
 * Applies the policies to every new SUBMIT and every RELEASE of a deferred message, before the journal
 * stage, so that each decision is journaled with the message (or as its next state change). Also owns the
 * set of deferred messages (CANCEL succeeds only for those, and only for their own tenant), the recipient
 * directory (CONSENT updates) and the runtime rate changes (POLICY_UPDATE). Single writer of all policy state:
 * the journal thread.
 */
public final class PolicyHandler implements EventHandler<DispatchEvent>, PolicyState
{
    private final PolicyEngine engine;
    private final DedupIndex dedup;
    private final EpochClock clock;
    private final Counters counters;
    private static final long NOT_DEFERRED = -1;

    /** Deferred message id → its tenant id: a client's CANCEL reaches only its own tenant's messages. */
    private final Long2LongHashMap deferred = new Long2LongHashMap(NOT_DEFERRED);
    private final PolicyRates rates;
    private final CancelledCampaigns cancelledCampaigns;
    /** Where the stage publishes the cap rules an operator changes, for the admin endpoint; null: nowhere. */
    private final PolicyCaps caps;
    /** Cluster mode: this node's share of the rates, re-applied as it changes; null on a single node. */
    private final RateShare share;
    private int sharedOwned = -1;
    /** Null: the stage decides no fallback. */
    private final FallbackMessages fallbackMessages;
    private final AdMarkingMode[] adMarking;
    private final InboundObserver inboundObserver;
    private final ConversationWindow window;
    /** Per channel code: the channel its lane falls back to, 0 for none. */
    private final byte[] fallbackChannels;

    /**
     * What the stage decides with besides the policy engine, fixed at construction: the engine gives every part but
     * the share on a single node; a test of one rule gives what it needs ({@link #NONE} and the withers).
     *
     * @param cancelled        a released message of one of them ends CANCELLED instead of being decided again.
     * @param caps             where the cap rules an operator changes are published (admin endpoint); null: nowhere.
     * @param window           the conversation window rule, which also observes inbound events (live and in
     *                         recovery) to know each user's last message; null: none.
     * @param observer         who sees inbound events when there is no window (tests); null: the window or nobody.
     * @param fallbackMessages lets the stage decide fallbacks ({@link DispatchEvent#FALLBACK}); null: none.
     * @param adMarking        the ad-marking mode per channel code ({@code policy.adMarking.<channel>}).
     * @param fallbackChannels per channel code, the channel its lane falls back to ({@code lane.<ch>.fallback}), 0
     *                         for none: a dry run also explains what a fallback would be decided.
     * @param share            cluster mode's share of every rate (ClusterHooks.share); null on a single node.
     */
    public record Wiring(
        CancelledCampaigns cancelled,
        PolicyCaps caps,
        ConversationWindow window,
        InboundObserver observer,
        FallbackMessages fallbackMessages,
        AdMarkingMode[] adMarking,
        byte[] fallbackChannels,
        RateShare share)
    {
        /** No cancellation, caps publication, window, fallback or share. */
        public static final Wiring NONE =
            new Wiring(new CancelledCampaigns(), null, null, null, null, null, new byte[ChannelType.CODES], null);

        public Wiring withCancelled(final CancelledCampaigns cancelled)
        {
            return new Wiring(cancelled, caps, window, observer, fallbackMessages, adMarking, fallbackChannels, share);
        }

        public Wiring withCaps(final PolicyCaps caps)
        {
            return new Wiring(cancelled, caps, window, observer, fallbackMessages, adMarking, fallbackChannels, share);
        }

        public Wiring withWindow(final ConversationWindow window)
        {
            return new Wiring(cancelled, caps, window, observer, fallbackMessages, adMarking, fallbackChannels, share);
        }

        public Wiring withObserver(final InboundObserver observer)
        {
            return new Wiring(cancelled, caps, window, observer, fallbackMessages, adMarking, fallbackChannels, share);
        }

        public Wiring withFallbacks(
            final FallbackMessages fallbackMessages, final AdMarkingMode[] adMarking, final byte[] fallbackChannels)
        {
            return new Wiring(cancelled, caps, window, observer, fallbackMessages, adMarking, fallbackChannels, share);
        }

        public Wiring withShare(final RateShare share)
        {
            return new Wiring(cancelled, caps, window, observer, fallbackMessages, adMarking, fallbackChannels, share);
        }
    }

    public PolicyHandler(
        final PolicyEngine engine, final DedupIndex dedup, final EpochClock clock, final Counters counters,
        final PolicyRates rates)
    {
        this(engine, dedup, clock, counters, rates, Wiring.NONE);
    }

    public PolicyHandler(
        final PolicyEngine engine, final DedupIndex dedup, final EpochClock clock, final Counters counters,
        final PolicyRates rates, final Wiring wiring)
    {
        this.engine = engine;
        this.dedup = dedup;
        this.clock = clock;
        this.counters = counters;
        this.rates = rates;
        this.cancelledCampaigns = wiring.cancelled();
        this.caps = wiring.caps();
        this.window = wiring.window();
        this.inboundObserver = wiring.observer() != null ? wiring.observer()
            : wiring.window() != null ? wiring.window() : InboundObserver.NONE;
        this.fallbackMessages = wiring.fallbackMessages();
        this.adMarking = wiring.adMarking();
        this.fallbackChannels = wiring.fallbackChannels();
        this.share = wiring.share();
    }

    public InboundObserver inboundObserver()
    {
        return inboundObserver;
    }

    /** Recovery, before the ring starts. */
    public void recoverDeferred(final long messageId, final int tenantId)
    {
        deferred.put(messageId, tenantId);
    }

    public int deferredCount()
    {
        return deferred.size();
    }

    @Override
    public void onEvent(final DispatchEvent e, final long sequence, final boolean endOfBatch)
    {
        if (share != null && share.owned() != sharedOwned)
        {
            applyShare();
        }
        switch (e.type)
        {
            case DispatchEvent.SUBMIT:
                onSubmit(e);
                break;
            case DispatchEvent.RELEASE:
                onRelease(e);
                break;
            case DispatchEvent.FALLBACK:
                onFallback(e);
                break;
            case DispatchEvent.CANCEL:
                onCancel(e);
                break;
            case DispatchEvent.CONSENT:
                onConsent(e);
                break;
            case DispatchEvent.POLICY_UPDATE:
                onPolicyUpdate(e);
                break;
            default:
                break;
        }
    }

    private void onSubmit(final DispatchEvent e)
    {
        e.fallbackChannel = 0; // the slot may hold an earlier dry run's
        e.windowState = ConversationWindow.STATE_NONE;
        e.windowTag = 0;
        e.windowLastMessageMs = 0;
        if (e.outcome != DispatchEvent.OUTCOME_ACCEPTED && e.outcome != DispatchEvent.OUTCOME_DRY_RUN)
        {
            return;
        }
        if (e.decision == Decision.DUPLICATE.code())
        {
            return;
        }
        if (window != null && window.applies(e.channel) && outsideWindow(e))
        {
            // decided before the engine, so a suppressed message takes no rate token and counts against no cap
            e.decision = PolicyEngine.SUPPRESS;
            e.reason = (short)Reason.OUTSIDE_CONVERSATION_WINDOW.code();
            e.dueAtMs = 0;
            e.prepaid = false;
            if (e.dryRun)
            {
                counters.increment(Counter.POLICY_DRY_RUNS);
                explainFallback(e);
                return;
            }
            countDecision(e.decision, e.reason);
            return;
        }
        final byte decision = engine.decide(
            e.tenantId, e.kind, e.channel, e.recipientKey, e.sendAtMs, false, e.dryRun, e.acceptedAtMs, e.consentOverride);
        e.decision = decision;
        e.reason = engine.reason();
        e.dueAtMs = engine.dueAtMs();
        e.prepaid = engine.prepaid();
        if (e.dryRun)
        {
            counters.increment(Counter.POLICY_DRY_RUNS);
            explainFallback(e);
            return;
        }
        if (decision == PolicyEngine.REFUSE && e.campaignSlot != 0)
        {
            // a campaign has no client to retry a refusal: its message waits for the rate like a deferred one
            e.decision = PolicyEngine.DEFER;
            e.dueAtMs = e.acceptedAtMs + 1000;
        }
        else if (decision == PolicyEngine.REFUSE)
        {
            e.outcome = DispatchEvent.OUTCOME_REFUSED;
            counters.increment(Counter.POLICY_RATE_REFUSED);
            return;
        }
        countDecision(decision, e.reason);
        // a deferred message's id is known only after the append: the journal stage, on this same thread,
        // adds it to `deferred` through deferredAfterJournal
    }

    /**
     * The conversation window rule for a SUBMIT (a message scheduled for later is checked on release), leaving what
     * {@code --explain} shows in the event: the window's state, the user's last message and the tag chosen.
     *
     * @return true when the message may not go: outside the window and marketing, or without a tag for its template.
     */
    private boolean outsideWindow(final DispatchEvent e)
    {
        final long now = e.acceptedAtMs;
        final int recipientAt = RecipientKeys.recipientAt(e.body);
        final int templateAt = recipientAt + 1 + (e.body[recipientAt] & 0xFF);
        final int templateLength = e.body[templateAt] & 0xFF;
        final int verdict = window.check(e.channel, e.kind, e.recipientKey, e.body, templateAt + 1, templateLength, now);
        e.windowState = window.isOpen(e.channel, e.recipientKey, now) ? ConversationWindow.STATE_OPEN :
            ConversationWindow.STATE_CLOSED;
        e.windowLastMessageMs = window.lastMessageMs(e.channel, e.recipientKey);
        // a tagged template goes with its tag inside the window too (docs/design/chat-connectors.md)
        e.windowTag = (byte)window.tag(e.channel, e.body, templateAt + 1, templateLength);
        return e.sendAtMs <= now && verdict == ConversationWindow.SUPPRESS;
    }

    /**
     * A released message on a channel with a window: marketing whose window has closed meanwhile is suppressed. An
     * informational one goes on; without the template here the connector's tag settles it (a tagged template goes as
     * MESSAGE_TAG, an untagged one is refused by the platform with the same reason).
     */
    private boolean closedForMarketing(final DispatchEvent e, final long now)
    {
        return window != null && window.applies(e.channel) && e.kind == MessageKind.MARKETING.code()
            && !window.isOpen(e.channel, e.recipientKey, now);
    }

    /** Called by the journal stage right after it assigned the id of a deferred SUBMIT (same thread). */
    void deferredAfterJournal(final long messageId, final int tenantId)
    {
        deferred.put(messageId, tenantId);
    }

    private void onRelease(final DispatchEvent e)
    {
        if (deferred.remove(e.messageId) == NOT_DEFERRED)
        {
            e.outcome = DispatchEvent.OUTCOME_IGNORED;
            return;
        }
        final long now = clock.time();
        e.acceptedAtMs = now;
        if (cancelledCampaigns.contains(e.campaignId))
        {
            // released before the scheduler took the cancellation in: it ends here, as the scheduler's CANCEL would
            endCancelled(e);
            e.decision = PolicyEngine.SUPPRESS;
            return;
        }
        counters.increment(Counter.POLICY_RELEASED);
        if (now >= e.deadlineMs)
        {
            e.decision = PolicyEngine.SUPPRESS;
            e.newState = DeliveryState.EXPIRED.code();
            e.reason = (short)Reason.TTL_EXPIRED.code();
            counters.increment(Counter.POLICY_EXPIRED);
            return;
        }
        if (closedForMarketing(e, now))
        {
            e.decision = PolicyEngine.SUPPRESS;
            e.newState = DeliveryState.SUPPRESSED.code();
            e.reason = (short)Reason.OUTSIDE_CONVERSATION_WINDOW.code();
            countDecision(e.decision, e.reason);
            return;
        }
        final byte decision = engine.decide(e.tenantId, e.kind, e.channel, e.recipientKey, 0, e.prepaid, false, now,
            e.consentOverride);
        e.decision = decision == PolicyEngine.REFUSE ? PolicyEngine.DEFER : decision;
        e.reason = engine.reason();
        e.dueAtMs = engine.dueAtMs();
        e.prepaid = engine.prepaid();
        if (decision == PolicyEngine.REFUSE)
        {
            // already accepted and acked: a reject policy cannot refuse it any more, so it waits its turn
            e.dueAtMs = now + 1000;
        }
        if (e.decision == PolicyEngine.DEFER)
        {
            deferred.put(e.messageId, e.tenantId);
            e.newState = DeliveryState.DEFERRED.code();
        }
        else if (e.decision == PolicyEngine.SUPPRESS)
        {
            e.newState = DeliveryState.SUPPRESSED.code();
        }
        countDecision(e.decision, e.reason);
    }

    /**
     * A lane gave up on the message's channel for a fallback trigger ({@code e.reason}): it is a new decision on
     * the fallback channel ({@code e.channel}), under that channel's consent, night window and blackout, caps and
     * rate limits, as if submitted there now. SEND moves it (RETRYING on the new channel, with the trigger);
     * DEFER holds it on the new channel; SUPPRESS ends it with the policy's reason. The consent a campaign
     * carried was the directory's for the first channel, so the address's own consent on the new one decides.
     */
    private void onFallback(final DispatchEvent e)
    {
        final short trigger = e.reason;
        final long now = e.acceptedAtMs;
        e.outcome = DispatchEvent.OUTCOME_ACCEPTED;
        e.readdressed = false;
        if (fallbackMessages == null || !fallbackMessages.load(e.messageId))
        {
            // the lane read it a moment ago; a tenant removed from the configuration cannot be decided for
            e.decision = PolicyEngine.SUPPRESS;
            e.newState = DeliveryState.FAILED.code();
            e.reason = (short)Reason.UNDELIVERABLE.code();
            return;
        }
        e.tenantId = fallbackMessages.tenantId();
        e.kind = fallbackMessages.kind();
        e.recipientKey = fallbackMessages.recipientKey();
        e.deadlineMs = fallbackMessages.deadlineMs();
        e.campaignId = fallbackMessages.campaignId();
        e.consentOverride = -1;
        e.prepaid = false;
        if (cancelledCampaigns.contains(e.campaignId))
        {
            endCancelled(e);
            e.decision = PolicyEngine.SUPPRESS;
            return;
        }
        if (now >= e.deadlineMs)
        {
            e.decision = PolicyEngine.SUPPRESS;
            e.newState = DeliveryState.EXPIRED.code();
            e.reason = (short)Reason.TTL_EXPIRED.code();
            counters.increment(Counter.POLICY_EXPIRED);
            return;
        }
        if (!readdress(e, e.channel))
        {
            e.decision = PolicyEngine.SUPPRESS;
            e.newState = DeliveryState.SUPPRESSED.code();
            e.reason = (short)Reason.UNKNOWN_RECIPIENT.code();
            countDecision(e.decision, e.reason);
            return;
        }
        if (e.readdressed)
        {
            // the phone's own consent, opt-out and rate decide on SMS; the caps count the person either way
            e.recipientKey = RecipientKeys.recipientKey(e.tenantId, e.fallbackAddress, 0);
        }
        if (adTextUnchecked(e.kind, fallbackMessages.acceptedChannel(), e.channel))
        {
            // its text was never checked for (광고) and the opt-out notice, which the new channel requires
            e.decision = PolicyEngine.SUPPRESS;
            e.newState = DeliveryState.SUPPRESSED.code();
            e.reason = (short)Reason.AD_MARKING_MISSING.code();
            countDecision(e.decision, e.reason);
            return;
        }
        final byte decision = engine.decide(e.tenantId, e.kind, e.channel, e.recipientKey, 0, false, false, now, -1);
        e.decision = decision == PolicyEngine.REFUSE ? PolicyEngine.DEFER : decision;
        e.reason = decision == PolicyEngine.SEND ? trigger : engine.reason();
        e.dueAtMs = decision == PolicyEngine.REFUSE ? now + 1000 : engine.dueAtMs();
        e.prepaid = engine.prepaid();
        if (e.decision == PolicyEngine.SEND)
        {
            e.newState = DeliveryState.RETRYING.code();
        }
        else if (e.decision == PolicyEngine.DEFER)
        {
            deferred.put(e.messageId, e.tenantId);
            e.newState = DeliveryState.DEFERRED.code();
        }
        else
        {
            e.newState = DeliveryState.SUPPRESSED.code();
        }
        countDecision(e.decision, e.reason);
    }

    /**
     * A dry run on a lane with a fallback also says what the fallback would be decided now, on its channel: the
     * same rules as {@link #onFallback}, without taking a token or counting a send.
     */
    private void explainFallback(final DispatchEvent e)
    {
        final byte target = fallbackChannels[e.channel];
        e.fallbackChannel = target;
        e.readdressed = false;
        if (target == 0)
        {
            return;
        }
        if (!readdress(e, target))
        {
            e.fallbackDecision = PolicyEngine.SUPPRESS;
            e.fallbackReason = (short)Reason.UNKNOWN_RECIPIENT.code();
            return;
        }
        final long key = e.readdressed ? RecipientKeys.recipientKey(e.tenantId, e.fallbackAddress, 0) : e.recipientKey;
        if (adTextUnchecked(e.kind, e.channel, target))
        {
            e.fallbackDecision = PolicyEngine.SUPPRESS;
            e.fallbackReason = (short)Reason.AD_MARKING_MISSING.code();
            return;
        }
        final byte decision = engine.decide(e.tenantId, e.kind, target, key, 0, false, true, e.acceptedAtMs, -1);
        e.fallbackDecision = decision == PolicyEngine.REFUSE ? PolicyEngine.DEFER : decision;
        e.fallbackReason = decision == PolicyEngine.SEND ? 0 : engine.reason();
    }

    /**
     * Finds where the fallback to {@code target} goes, as far as the directory tells: an SMS goes to a phone, so the
     * fallback of a directory recipient's chat key or push token is re-addressed to their phone (into
     * {@link DispatchEvent#fallbackAddress}, {@link DispatchEvent#readdressed}), never texted to the key, which may
     * even be someone else's number; a push goes to a token, so not to their phone or chat key; a chat message not to
     * a push token. An address the directory does not know is taken as it is.
     *
     * @return false when the recipient has no address the target channel can take: the fallback is suppressed.
     */
    private boolean readdress(final DispatchEvent e, final byte target)
    {
        final RecipientDirectory directory = engine.directory();
        final int role = directory.role(e.recipientKey);
        if (role == 0)
        {
            return true;
        }
        if (target == ChannelType.SMS.code())
        {
            if (role == RecipientDirectory.PHONE)
            {
                return true;
            }
            final byte[] phone = directory.phoneOf(e.recipientKey);
            if (phone == null)
            {
                return false;
            }
            System.arraycopy(phone, 0, e.fallbackAddress, 0, phone.length);
            e.readdressed = true;
            return true;
        }
        if (target == ChannelType.PUSH.code())
        {
            return role == RecipientDirectory.PUSH_TOKEN;
        }
        return role != RecipientDirectory.PUSH_TOKEN;
    }

    /** Marketing accepted where no rule checked its text for (광고) and the opt-out notice, bound for a channel that requires them. */
    private boolean adTextUnchecked(final byte kind, final byte acceptedChannel, final byte target)
    {
        return kind == MessageKind.MARKETING.code() && adMarking[target] != AdMarkingMode.OFF
            && adMarking[acceptedChannel] == AdMarkingMode.OFF;
    }

    private void onCancel(final DispatchEvent e)
    {
        long id = e.messageId;
        if (id < 0)
        {
            id = dedup.find(DedupIndex.hash(e.tenantId, e.body, 0, e.bodyLength), clock.time());
            e.messageId = id;
        }
        final long owner = id >= 0 ? deferred.get(id) : NOT_DEFERRED;
        // the scheduler's CANCEL (a cancelled campaign) has no session and may end any tenant's message
        if (owner != NOT_DEFERRED && e.session != null && owner != e.tenantId)
        {
            e.outcome = DispatchEvent.CANCEL_NOT_FOUND;
            e.newState = 0;
        }
        else if (owner != NOT_DEFERRED)
        {
            deferred.remove(id);
            e.outcome = DispatchEvent.CANCEL_DONE;
            e.acceptedAtMs = clock.time();
            endCancelled(e);
        }
        else
        {
            // the post-journal stage tells a message of the tenant that is no longer deferred from a foreign one
            e.outcome = DispatchEvent.CANCEL_NOT_DEFERRED;
            e.newState = 0;
        }
    }

    private void endCancelled(final DispatchEvent e)
    {
        e.newState = DeliveryState.CANCELLED.code();
        e.reason = (short)Reason.CANCELLED.code();
        counters.increment(Counter.POLICY_CANCELLED);
    }

    private void onConsent(final DispatchEvent e)
    {
        e.acceptedAtMs = clock.time();
        if (applyConsent(engine, e.tenantId, e.body))
        {
            counters.increment(Counter.CONSENT_UPDATES);
        }
    }

    /**
     * Applies a CONSENT body ({@link ConsentFrame}) to the directory, or the address link it carries; also used by
     * recovery.
     *
     * @return false for an address link, which is no consent update.
     */
    public static boolean applyConsent(final PolicyEngine engine, final int tenantId, final byte[] b)
    {
        final byte kind = b[ConsentFrame.KIND_OFFSET];
        // other values: a record of an engine that did not check the reserved byte, applied as the consent it was
        if (kind == ConsentFrame.LINK || kind == ConsentFrame.UNLINK)
        {
            link(engine.directory(), tenantId, b, kind);
            return false;
        }
        engine.directory().apply(RecipientKeys.recipientKey(tenantId, b, ConsentFrame.RECIPIENT_LENGTH_OFFSET),
            ConsentFrame.channel(b), ConsentFrame.setFlags(b), ConsentFrame.clearFlags(b));
        return true;
    }

    private static void link(final RecipientDirectory directory, final int tenantId, final byte[] b, final byte kind)
    {
        final long address = RecipientKeys.recipientKey(tenantId, b, ConsentFrame.RECIPIENT_LENGTH_OFFSET);
        final int sourceAt = ConsentFrame.sourceLengthOffset(b);
        final long person = RecipientDirectory.personKey(tenantId, b, sourceAt + 1, b[sourceAt] & 0xFF);
        if (kind == ConsentFrame.LINK)
        {
            directory.link(address, person, b[ConsentFrame.CHANNEL_OFFSET], b, ConsentFrame.RECIPIENT_LENGTH_OFFSET);
        }
        else
        {
            directory.unlink(address, person);
        }
    }

    /**
     * Called by the journal stage once an inbound event is journaled (same thread): a consent event changes the
     * sender's consent through the CONSENT path, with the body the journal stage wrote as evidence; then the observer
     * (the conversation window) is told.
     *
     * @param consentLength 0 when the event changes no consent.
     */
    void inboundAfterJournal(final DispatchEvent e, final byte[] consentBody, final int consentLength)
    {
        if (consentLength > 0 && applyConsent(engine, e.tenantId, consentBody))
        {
            counters.increment(Counter.CONSENT_UPDATES);
        }
        inboundObserver.onInbound(e.tenantId, e.channel, e.recipientKey, InboundBody.to(e.body),
            InboundBody.kind(e.body), e.acceptedAtMs);
    }

    /** A journaled inbound event replayed at a start ({@link JournalHandler#inbound}): the observer sees it again. */
    void inboundObserved(final int tenantId, final byte[] body, final long atMs)
    {
        inboundObserver.onInbound(tenantId, body[InboundBody.CHANNEL_OFFSET],
            RecipientKeys.recipientKey(tenantId, body, InboundBody.FROM_LENGTH_OFFSET), InboundBody.to(body),
            InboundBody.kind(body), atMs);
    }

    private void onPolicyUpdate(final DispatchEvent e)
    {
        if (e.tenantId == 0)
        {
            // a lane's rate (LaneRateJournal): the lane applies it; this stage has nothing to change or stamp
            return;
        }
        final long now = clock.time();
        // the journal stage, next on this thread, records the change with this time
        e.acceptedAtMs = now;
        if (e.capRules != null)
        {
            caps(e.tenantId, e.kind, e.channel, e.capRules, now);
            return;
        }
        applyRate(e.tenantId, e.channel, e.ratePerSecond, e.rateBurst, e.reservedPercent, now, now);
    }

    /** A send recovery read back: the frequency caps count it as the engine counted it when it decided it. */
    @Override
    public void sent(final int tenantId, final byte kind, final byte channel, final long recipientKey, final long atMs)
    {
        if (tenantId != 0)
        {
            engine.recordSend(tenantId, kind, channel, recipientKey, atMs);
        }
    }

    /** A journaled CONSENT body, at a start: the same change {@link #onConsent} made live. */
    @Override
    public void consent(final int tenantId, final byte[] body)
    {
        applyConsent(engine, tenantId, body);
    }

    /** A rate change journaled at {@code atMs}: the buckets take it now, the admin view shows when it was made. */
    @Override
    public void rate(final int tenantId, final byte channel, final long perSecond, final long burst,
        final int reservedPercent, final long atMs)
    {
        applyRate(tenantId, channel, perSecond, burst, reservedPercent, clock.time(), atMs);
    }

    @Override
    public void caps(final int tenantId, final byte kind, final byte channel, final CapRules rules, final long atMs)
    {
        engine.setCaps(tenantId, kind, channel, rules);
        if (caps != null)
        {
            caps.publish(tenantId, kind, channel, rules, atMs);
        }
    }

    private void applyRate(final int tenantId, final byte channel, final long perSecond, final long burst,
        final int reservedPercent, final long nowMs, final long atMs)
    {
        if (channel == 0)
        {
            engine.setTenantRate(tenantId, perSecond, burst, reservedPercent, nowMs);
        }
        else
        {
            engine.setChannelRate(tenantId, channel, perSecond, nowMs);
        }
        rates.publish(tenantId, channel, perSecond, atMs);
        if (channel == 0 && share != null)
        {
            rates.publishInForce(tenantId, engine.tenantRate(tenantId));
        }
    }

    /** An assignment changed: the rates in force become this node's share of the configured ones. */
    private void applyShare()
    {
        sharedOwned = share.owned();
        engine.share(sharedOwned, share.partitions(), clock.time());
        for (int t = 1; t < Math.min(rates.tenantSlots(), engine.tenantCount()); t++)
        {
            rates.publishInForce(t, engine.tenantRate(t));
        }
    }

    private void countDecision(final byte decision, final short reason)
    {
        if (decision == PolicyEngine.SEND)
        {
            return;
        }
        final Counter c = Counter.forReason(reason);
        if (c != null)
        {
            counters.increment(c);
        }
    }
}
