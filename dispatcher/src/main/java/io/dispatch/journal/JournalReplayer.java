package io.dispatch.journal;

import io.dispatch.config.TenantRegistry;
import io.dispatch.policy.CapRules;
import io.dispatch.policy.RecipientKeys;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.Decision;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.status.DedupState;
import io.dispatch.status.StatusState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;

/**
 * Decodes journal records into the state methods of their owners, in journal order: the idempotency keys
 * ({@link DedupState}), the status table ({@link StatusState}), the policies ({@link PolicyState}), the campaigns
 * ({@link CampaignState}) and the smaller owners of {@link Targets}; and, for the messages still open, into the
 * fold of {@link Recovery}. The owners are the objects the stages use live (at a start) or fresh ones of the snapshot
 * thread (a fold): replay drives the stages' own methods instead of repeating their logic (docs/design/recovery.md).
 * <p>
 * What is decided here is only what the records do not say: the tenant id of a tenant name (0: no longer
 * configured), a message's recipient and content keys, and which keys are old enough to leave out. Single-threaded.
 */
public final class JournalReplayer implements JournalReader.Visitor
{
    private static final Logger LOG = LoggerFactory.getLogger(JournalReplayer.class);

    /** The content-dedup keys' state method (a second {@code DedupIndex} over message contents). */
    @FunctionalInterface
    public interface ContentState
    {
        ContentState NONE = (contentHash, messageId, atMs) -> { };

        void content(long contentHash, long messageId, long atMs);
    }

    /** Template versions, in journal order ({@code TemplateVersions.add}). */
    @FunctionalInterface
    public interface TemplateState
    {
        void template(long index, byte[] id, byte[] text);
    }

    /**
     * An inbound event journaled at {@code index} ({@code io.dispatch.inbound.InboundBody}; the array is reused). Its
     * consent change, if any, comes as the CONSENT record that follows it.
     */
    @FunctionalInterface
    public interface InboundState
    {
        void inbound(long index, int tenantId, long atMs, byte[] body, int bodyLength);
    }

    /** An operator's runtime change of a lane's rate (a RATE record with no tenant). */
    @FunctionalInterface
    public interface LaneRateState
    {
        void laneRate(byte channel, long perSecond, long burst, int reservedPercent, long atMs);
    }

    /** The owners a replay drives besides the dedup index and the status table. */
    public record Targets(
        PolicyState policy, ContentState content, CampaignState campaigns, TemplateState templates,
        InboundState inbound, LaneRateState laneRates)
    {
        /** One object that takes every call: a test's recorder, or the snapshot fold's {@link SnapshotEffects}. */
        public static Targets of(final Recovery.PolicySink all)
        {
            return new Targets(all, all, all, all, all, all);
        }
    }

    /** What the open messages' fold ({@link Recovery}) takes from the records, after their owners have. */
    interface OpenMessages
    {
        void accepted(long messageId, AcceptedRecord r, int tenantId, long recipientKey);

        void state(long messageId, byte state, byte attempts, byte channel, short reason, long atMs);

        void address(long messageId, byte channel, byte[] address);

        void deadLetter(long messageId, long atMs, byte channel, int tenantId, byte state, short reason, int attempts,
            byte kind);
    }

    private final TenantRegistry tenants;
    private final long nowMs;
    private final long dedupHorizonMs;
    private final long contentWindowMs;
    private final DedupState dedup;
    private final StatusState status;
    private final Targets targets;
    private final OpenMessages open;
    private long accepted;
    private long states;
    private long deadLetters;
    private long unknownTenantMessages;
    private boolean campaignKeysOnly;

    JournalReplayer(
        final TenantRegistry tenants, final long nowMs, final long dedupHorizonMs, final long contentWindowMs,
        final DedupState dedup, final StatusState status, final Targets targets, final OpenMessages open)
    {
        this.tenants = tenants;
        this.nowMs = nowMs;
        this.dedupHorizonMs = dedupHorizonMs;
        this.contentWindowMs = contentWindowMs;
        this.dedup = dedup;
        this.status = status;
        this.targets = targets;
        this.open = open;
    }

    /** See {@link Recovery#campaignKeysOnly}. */
    void campaignKeysOnly()
    {
        campaignKeysOnly = true;
    }

    @Override
    public void onAccepted(final long messageId, final AcceptedRecord r)
    {
        accepted++;
        final int tenantId = tenants.idOf(r.tenant());
        if (tenantId == 0)
        {
            unknownTenantMessages++;
        }
        // a campaign's keys matter only while it can still fan out again (it was interrupted)
        if (r.keyHash != 0 && r.acceptedAtMs + dedupHorizonMs > nowMs
            && (r.campaignId == 0 ? !campaignKeysOnly : targets.campaigns().campaignResumable(r.campaignId)))
        {
            dedup.record(r.keyHash, messageId, r.acceptedAtMs);
        }
        final int campaignSlot = r.campaignId == 0 ? 0
            : targets.campaigns().campaignMessage(r.campaignId, r.channel, r.decision, r.reason);
        status.onAccepted(messageId, r.acceptedAtMs, r.channel, r.kind, tenantId, 0, campaignSlot, r.decision, r.reason,
            r.dueAtMs);
        final int recipientAt = RecipientKeys.recipientAt(r.body);
        final long recipientKey = RecipientKeys.recipientKey(tenantId, r.body, recipientAt);
        // a message fed from the cluster log (a source id): its content key and cap send are its partition's
        // changelog's, which its next owner loads (docs/design/cluster.md); counted here too, a node getting that
        // partition back after a restart would count them twice, or find the record fed again a duplicate of itself
        final boolean fed = r.sourceId != 0;
        if (contentWindowMs > 0 && r.acceptedAtMs + contentWindowMs > nowMs && !fed)
        {
            targets.content().content(RecipientKeys.contentKey(tenantId, r.channel, r.body, recipientAt, r.bodyLength),
                messageId, r.acceptedAtMs);
        }
        if (r.decision != Decision.DEFER.code() && r.decision != Decision.SUPPRESS.code() && tenantId != 0 && !fed)
        {
            targets.policy().sent(tenantId, r.kind, r.channel, recipientKey, r.acceptedAtMs);
        }
        open.accepted(messageId, r, tenantId, recipientKey);
    }

    @Override
    public void onState(
        final long messageId, final byte state, final byte attempts, final byte channel, final short reason, final long atMs)
    {
        states++;
        final int slot = status.find(messageId);
        if (slot >= 0)
        {
            status.onState(slot, state, attempts, reason, atMs, channel);
            if (status.campaignSlot(slot) != 0)
            {
                targets.campaigns().campaignState(status.campaignSlot(slot), status.channel(slot), state, reason);
            }
        }
        if (state == DeliveryState.FAILED.code() || state == DeliveryState.EXPIRED.code()
            || state == DeliveryState.REJECTED.code())
        {
            deadLetters++;
            open.deadLetter(messageId, atMs, channel != 0 || slot < 0 ? channel : status.channel(slot),
                slot < 0 ? 0 : status.tenant(slot), state, reason, slot < 0 ? attempts & 0xFF : status.attempts(slot) & 0xFF,
                slot < 0 ? 0 : status.kind(slot));
        }
        open.state(messageId, state, attempts, channel, reason, atMs);
    }

    @Override
    public void onAddress(final long messageId, final long atMs, final byte channel, final byte[] address)
    {
        open.address(messageId, channel, address);
    }

    @Override
    public void onConsent(final long atMs, final byte[] tenantName, final int tenantNameLength, final byte[] body,
        final int bodyLength)
    {
        final int tenantId = tenantId(tenantName, tenantNameLength);
        if (tenantId != 0)
        {
            targets.policy().consent(tenantId, body);
        }
    }

    @Override
    public void onInbound(final long index, final long atMs, final byte[] tenantName, final int tenantNameLength,
        final byte[] body, final int bodyLength)
    {
        final int tenantId = tenantId(tenantName, tenantNameLength);
        if (tenantId != 0)
        {
            targets.inbound().inbound(index, tenantId, atMs, body, bodyLength);
        }
    }

    @Override
    public void onTemplate(final long index, final byte[] id, final byte[] text)
    {
        targets.templates().template(index, id, text);
    }

    @Override
    public void onCaps(
        final long atMs, final byte[] tenantName, final int tenantNameLength, final byte kind, final byte channel,
        final String rules)
    {
        final int tenantId = tenantId(tenantName, tenantNameLength);
        if (tenantId == 0 || kind < 0 || kind > 3 || channel < 0 || channel >= ChannelType.CODES)
        {
            return;
        }
        final CapRules parsed;
        try
        {
            parsed = capRules(rules);
        }
        catch (final RuntimeException ex)
        {
            // a rule this build cannot read (a newer engine's) is skipped rather than failing the start
            LOG.warn("event=caps_record_skipped tenant={} rules={} problem={}", tenantId, rules, ex.getMessage());
            return;
        }
        targets.policy().caps(tenantId, kind, channel, parsed, atMs);
    }

    /**
     * The rules of a CAPS record as the admin route took them: "none" (the scope's caps removed) is no COUNT/DURATION
     * rule, and skipping it would bring back, at the next start, the caps the operator removed.
     */
    static CapRules capRules(final String text)
    {
        return text.trim().equals("none") ? CapRules.NONE : CapRules.parse("journaled caps", text);
    }

    @Override
    public void onRate(
        final long atMs, final byte[] tenantName, final int tenantNameLength, final byte channel, final long perSecond,
        final long burst, final int reservedPercent)
    {
        if (tenantNameLength == 0)
        {
            targets.laneRates().laneRate(channel, perSecond, burst, reservedPercent, atMs);
            return;
        }
        final int tenantId = tenantId(tenantName, tenantNameLength);
        // a channel this build does not know (a newer engine's record) is skipped, not applied to the wrong bucket
        if (tenantId != 0 && channel >= 0 && channel <= ChannelType.values().length)
        {
            targets.policy().rate(tenantId, channel, perSecond, burst, reservedPercent, atMs);
        }
    }

    private int tenantId(final byte[] name, final int length)
    {
        return tenants.idOf(new String(name, 0, length, StandardCharsets.UTF_8));
    }

    long accepted()
    {
        return accepted;
    }

    long states()
    {
        return states;
    }

    long deadLetters()
    {
        return deadLetters;
    }

    /** ACCEPTED records of a tenant no longer configured (their messages are still dispatched). */
    long unknownTenantMessages()
    {
        return unknownTenantMessages;
    }
}
