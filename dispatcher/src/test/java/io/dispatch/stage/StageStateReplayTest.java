package io.dispatch.stage;

import com.lmax.disruptor.RingBuffer;
import io.dispatch.config.CapRules;
import io.dispatch.config.PolicyConfig;
import io.dispatch.config.Settings;
import io.dispatch.config.TenantConfig;
import io.dispatch.config.TenantPolicy;
import io.dispatch.connector.InboundEvent;
import io.dispatch.inbound.InboundPublisher;
import io.dispatch.netty.ByteBufFrames;
import io.dispatch.protocol.ConsentFrame;
import io.dispatch.ingest.SessionRegistry;
import io.dispatch.config.TenantRegistry;
import io.dispatch.journal.Journal;
import io.dispatch.journal.JournalReplayer;
import io.dispatch.journal.Recovery;
import io.dispatch.journal.StateRecords;
import io.dispatch.protocol.ConsentFlags;
import io.dispatch.policy.DedupIndex;
import io.dispatch.policy.PolicyEngine;
import io.dispatch.policy.RecipientDirectory;
import io.dispatch.policy.RecipientKeys;
import io.dispatch.protocol.CampaignDescriptor;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.Decision;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.ring.RingPort;
import io.dispatch.status.Counters;
import io.dispatch.status.DistinctErrorLog;
import io.dispatch.status.EndToEndLatency;
import io.dispatch.status.StatusTable;
import io.dispatch.targeting.CampaignReplay;
import io.dispatch.status.CampaignStats;
import io.dispatch.status.PolicyRates;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each piece of stage-owned state, built twice: live, by the real stages on the events they journal, and at a start,
 * by {@link JournalReplayer} from the journal they wrote into fresh owners. Both must hold the same state: replay
 * drives the owners' own methods, it does not repeat the stages' logic.
 */
class StageStateReplayTest
{
    private static final long HOUR = 3_600_000;
    private static final long T0 = 1_800_000_000_000L;
    private static final long CAMPAIGN = 4242;
    private static final int CAMPAIGN_SLOT = 7;
    private static final byte SMS = ChannelType.SMS.code();
    private static final byte CHAT = ChannelType.CHAT.code();

    /** These tests look at the stages' state, not at what a start hands the lanes. */
    private static final Recovery.Sink NO_HANDOFF = new Recovery.Sink()
    {
        @Override
        public void pending(final long messageId, final byte channel, final byte kind, final int attempts,
            final boolean uncertain)
        {
        }

        @Override
        public void awaitingReceipt(final long messageId, final byte channel, final byte kind,
            final long providerAcceptedAtMs, final boolean uncertain)
        {
        }

        @Override
        public void deferred(final long messageId, final long dueAtMs, final long recipientKey, final long deadlineMs,
            final int tenantId, final byte kind, final byte channel, final boolean prepaid, final int consentOverride,
            final long campaignId)
        {
        }
    };

    @TempDir
    Path dir;

    private final TenantRegistry tenants = new TenantRegistry(List.of(new TenantConfig(1, "acme", "k")));
    private long now = T0;

    /** The live owners and the stages that drive them. */
    private final DedupIndex keys = new DedupIndex(HOUR);
    private final DedupIndex contents = new DedupIndex(HOUR);
    private final StatusTable table = new StatusTable(1024);
    private final CampaignStats stats = new CampaignStats();
    private final PolicyEngine engine = engine();
    private final PolicyRates rates = new PolicyRates(2);
    private final PolicyCaps caps = new PolicyCaps(2);
    /** What the live and the replayed policy stage's inbound observers saw. */
    private final List<String> seenLive = new ArrayList<>();
    private final List<String> seenReplayed = new ArrayList<>();
    private final PolicyHandler policyStage = policyStage(engine, rates, caps, seenLive);
    private final DedupHandler dedupStage = new DedupHandler(keys, contents, () -> now);
    private final StatusHandler statusStage = new StatusHandler(table, new SessionRegistry(), new SessionFlusher(),
        new Counters(), stats, new EndToEndLatency(), 64, null);

    /** The owners a start replays into. */
    private final DedupIndex replayedKeys = new DedupIndex(HOUR);
    private final DedupIndex replayedContents = new DedupIndex(HOUR);
    private final StatusTable replayedTable = new StatusTable(1024);
    private final CampaignStats replayedStats = new CampaignStats();
    private final PolicyEngine replayedEngine = engine();
    private final PolicyRates replayedRates = new PolicyRates(2);
    private final PolicyCaps replayedCaps = new PolicyCaps(2);
    private final PolicyHandler replayedPolicy = policyStage(replayedEngine, replayedRates, replayedCaps, seenReplayed);

    @Test
    void shouldReplayTheStatusTableCampaignCountsAndKeysAsTheStagesBuiltThemLive()
    {
        final List<DispatchEvent> submits = new ArrayList<>();
        try (Journal journal = new Journal(dir, "FAST_DAILY"))
        {
            final JournalHandler journalStage = journalStage(journal);
            journalStage.onStart();
            final DispatchEvent sent = live(journalStage, submit("k-1", "one", Decision.SEND, null, 0));
            final DispatchEvent deferred = live(journalStage, submit("k-2", "two", Decision.DEFER, Reason.SCHEDULED, 0));
            final DispatchEvent suppressed = live(journalStage,
                submit("", "three", Decision.SUPPRESS, Reason.OPTED_OUT, CAMPAIGN_SLOT));
            final DispatchEvent fellBack = live(journalStage, submit("c-4", "four", Decision.SEND, null, CAMPAIGN_SLOT));
            submits.addAll(List.of(sent, deferred, suppressed, fellBack));

            live(journalStage, states(state(sent, DeliveryState.DISPATCHED, 1, SMS, 0),
                state(fellBack, DeliveryState.DISPATCHED, 1, SMS, 0)));
            live(journalStage, states(state(sent, DeliveryState.PROVIDER_ACCEPTED, 1, SMS, 0),
                state(fellBack, DeliveryState.RETRYING, 1, SMS, Reason.PROVIDER_TIMEOUT.code())));
            // a receipt knows no attempt (0: the table keeps its own); a fallback names its new channel
            live(journalStage, states(state(sent, DeliveryState.DELIVERED, 0, (byte)0, 0),
                state(fellBack, DeliveryState.DISPATCHED, 1, CHAT, 0)));
            live(journalStage, states(state(fellBack, DeliveryState.FAILED, 2, CHAT, Reason.PROVIDER_TIMEOUT.code())));
            journalStage.onShutdown();
        }

        replay();

        for (final DispatchEvent e : submits)
        {
            final int live = table.find(e.messageId);
            final int replayed = replayedTable.find(e.messageId);
            assertThat(live).as("message %d live", e.messageId).isNotNegative();
            assertThat(statusOf(replayedTable, replayed)).as("message %d", e.messageId)
                .isEqualTo(statusOf(table, live));
            if (e.keyHash != 0 && e.campaignSlot == 0)
            {
                assertThat(replayedKeys.find(e.keyHash, now)).isEqualTo(keys.find(e.keyHash, now))
                    .isEqualTo(e.messageId);
            }
            assertThat(replayedContents.find(e.contentHash, now)).isEqualTo(contents.find(e.contentHash, now))
                .isEqualTo(e.messageId);
        }
        assertThat(statusOf(table, table.find(submits.get(1).messageId))).as("a deferral is the record's own")
            .startsWith("state=" + DeliveryState.DEFERRED.code() + " ");
        assertThat(campaignCounts(replayedStats)).isEqualTo(campaignCounts(stats))
            .as("fanned out, suppressed, failed on chat").contains("2=2", "1014=1", "132=1");
    }

    @Test
    void shouldReplayRatesCapsAndConsentAsThePolicyStageAppliedThem()
    {
        final CapRules rules = CapRules.parse("caps", "2/1h");
        final byte[] optOut = consent(SMS, "010");
        try (Journal journal = new Journal(dir, "FAST_DAILY"))
        {
            final JournalHandler journalStage = journalStage(journal);
            journalStage.onStart();
            live(journalStage, rate(0, 50, 10, 20));
            now += 1_000;
            live(journalStage, rate(SMS, 5, 0, 0));
            now += 1_000;
            final DispatchEvent capsChange = new DispatchEvent();
            capsChange.type = DispatchEvent.POLICY_UPDATE;
            capsChange.tenantId = 1;
            capsChange.kind = MessageKind.MARKETING.code();
            capsChange.channel = SMS;
            capsChange.capRules = rules;
            live(journalStage, capsChange);
            now += 1_000;
            final DispatchEvent consent = new DispatchEvent();
            consent.type = DispatchEvent.CONSENT;
            consent.tenantId = 1;
            System.arraycopy(optOut, 0, consent.body, 0, optOut.length);
            consent.bodyLength = optOut.length;
            live(journalStage, consent);
            journalStage.onShutdown();
        }
        assertThat(rates.get(1, 0)).as("applied live").isEqualTo(50);

        now += HOUR;
        replay();

        for (final int channel : new int[] {0, SMS})
        {
            assertThat(replayedRates.get(1, channel)).isEqualTo(rates.get(1, channel));
            assertThat(replayedRates.changedAtMs(1, channel)).as("when the operator changed it")
                .isEqualTo(rates.changedAtMs(1, channel));
        }
        assertThat(replayedEngine.tenantRate(1)).isEqualTo(engine.tenantRate(1)).isEqualTo(50);
        assertThat(replayedEngine.channelRate(1, SMS)).isEqualTo(engine.channelRate(1, SMS)).isEqualTo(5);
        final byte kind = MessageKind.MARKETING.code();
        assertThat(replayedCaps.get(1, kind, SMS)).hasToString(caps.get(1, kind, SMS).toString());
        assertThat(replayedCaps.changedAtMs(1, kind, SMS)).isEqualTo(caps.changedAtMs(1, kind, SMS)).isEqualTo(T0 + 2_000);
        assertThat(replayedEngine.caps(1, kind, SMS)).hasToString(engine.caps(1, kind, SMS).toString())
            .hasToString(rules.toString());
        final long recipient = RecipientKeys.recipientKey(1, optOut, ConsentFrame.RECIPIENT_LENGTH_OFFSET);
        assertThat(replayedEngine.directory().flags(recipient, SMS)).isEqualTo(engine.directory().flags(recipient, SMS))
            .isNotZero();
    }

    @Test
    void shouldReplaySendsSoThatTheFrequencyCapsCountThemAfterTheRestart()
    {
        final DispatchEvent capped;
        try (Journal journal = new Journal(dir, "FAST_DAILY"))
        {
            final JournalHandler journalStage = journalStage(journal);
            journalStage.onStart();
            final DispatchEvent capsChange = new DispatchEvent();
            capsChange.type = DispatchEvent.POLICY_UPDATE;
            capsChange.tenantId = 1;
            capsChange.kind = MessageKind.INFORMATIONAL.code();
            capsChange.channel = SMS;
            capsChange.capRules = CapRules.parse("caps", "2/1h");
            live(journalStage, capsChange);
            assertThat(decided(journalStage, "first").decision).isEqualTo(Decision.SEND.code());
            assertThat(decided(journalStage, "second").decision).isEqualTo(Decision.SEND.code());
            capped = decided(journalStage, "third");
            assertThat(capped.decision).as("the cap's third send, live").isNotEqualTo(Decision.SEND.code());
            journalStage.onShutdown();
        }

        now += 1_000;
        replay();

        final DispatchEvent e = submit("", "fourth", Decision.SEND, null, 0);
        new DedupHandler(replayedKeys, replayedContents, () -> now).onEvent(e, 0, true);
        replayedPolicy.onEvent(e, 0, true);
        assertThat(e.decision).as("the replayed sends count").isEqualTo(capped.decision);
        assertThat(e.reason).isEqualTo(capped.reason).isEqualTo((short)Reason.FREQUENCY_CAPPED.code());
    }

    @Test
    void shouldReplayInboundEventsSoThatARedeliveryIsStillADuplicateAndTheObserverSeesEachOnce()
    {
        try (Journal journal = new Journal(dir, "FAST_DAILY"))
        {
            final JournalHandler journalStage = journalStage(journal);
            journalStage.onStart();
            assertThat(inbound(journalStage, "mid-1").outcome).isEqualTo(DispatchEvent.OUTCOME_ACCEPTED);
            now += 1_000;
            assertThat(inbound(journalStage, "mid-2").outcome).isEqualTo(DispatchEvent.OUTCOME_ACCEPTED);
            assertThat(inbound(journalStage, "mid-1").outcome).as("live").isEqualTo(DispatchEvent.OUTCOME_DUPLICATE);
            journalStage.onShutdown();
        }

        now += 1_000;
        try (Journal journal = new Journal(dir, "FAST_DAILY"))
        {
            final JournalHandler replayedJournalStage = new JournalHandler(journal, false, replayedKeys, tenants,
                new Counters(), new DistinctErrorLog(new Counters()), 60, replayedContents, replayedPolicy);
            new Recovery(replayedKeys, replayedTable, tenants, now, HOUR, HOUR, new JournalReplayer.Targets(
                replayedPolicy, replayedContents::record, new CampaignReplay(id -> 0, id -> false, replayedStats),
                (index, id, text) -> { }, replayedJournalStage, (channel, perSecond, burst, reserved, atMs) -> { }))
                .run(journal, NO_HANDOFF);
            assertThat(seenReplayed).as("each journaled event once, in order").isEqualTo(seenLive).hasSize(2);

            replayedJournalStage.onStart();
            assertThat(inbound(replayedJournalStage, "mid-2").outcome).as("a redelivery after the restart")
                .isEqualTo(DispatchEvent.OUTCOME_DUPLICATE);
            assertThat(inbound(replayedJournalStage, "mid-3").outcome).isEqualTo(DispatchEvent.OUTCOME_ACCEPTED);
            replayedJournalStage.onShutdown();
        }
    }

    private void replay()
    {
        try (Journal journal = new Journal(dir, "FAST_DAILY"))
        {
            new Recovery(replayedKeys, replayedTable, tenants, now, HOUR, HOUR, new JournalReplayer.Targets(replayedPolicy,
                replayedContents::record,
                new CampaignReplay(id -> id == CAMPAIGN ? CAMPAIGN_SLOT : 0, id -> false, replayedStats),
                (index, id, text) -> { }, (index, tenantId, atMs, body, length) -> { },
                (channel, perSecond, burst, reserved, atMs) -> { })).run(journal, NO_HANDOFF);
        }
    }

    /**
     * Through the stages that own the state, on one thread, each event a batch of its own. A SUBMIT skips the policy
     * stage: its decision is set by hand ({@link #submit}), so that one run covers every decision.
     */
    private DispatchEvent live(final JournalHandler journalStage, final DispatchEvent e)
    {
        dedupStage.onEvent(e, 0, true);
        if (e.type != DispatchEvent.SUBMIT)
        {
            policyStage.onEvent(e, 0, true);
        }
        journalStage.onEvent(e, 0, true);
        statusStage.onEvent(e, 0, true);
        return e;
    }

    /** A SUBMIT the policy stage decides, through every stage that owns state. */
    private DispatchEvent decided(final JournalHandler journalStage, final String text)
    {
        final DispatchEvent e = submit("", text, Decision.SEND, null, 0);
        dedupStage.onEvent(e, 0, true);
        policyStage.onEvent(e, 0, true);
        journalStage.onEvent(e, 0, true);
        statusStage.onEvent(e, 0, true);
        return e;
    }

    /** A SUBMIT as the ingest stage hands it over, with the policy stage's answer filled in. */
    private DispatchEvent submit(final String key, final String text, final Decision decision, final Reason reason,
        final int campaignSlot)
    {
        final ByteBuf b = Unpooled.buffer();
        final int n = ByteBufFrames.submitBody(b, MessageKind.INFORMATIONAL, ChannelType.SMS, 60, key, "010", "", text, null);
        final DispatchEvent e = new DispatchEvent();
        e.type = DispatchEvent.SUBMIT;
        e.tenantId = 1;
        e.kind = MessageKind.INFORMATIONAL.code();
        e.channel = SMS;
        b.getBytes(0, e.body, 0, n);
        e.bodyLength = n;
        e.outcome = DispatchEvent.OUTCOME_ACCEPTED;
        e.campaignSlot = campaignSlot;
        e.campaignId = campaignSlot == 0 ? 0 : CAMPAIGN;
        e.decision = decision.code();
        e.reason = reason == null ? 0 : (short)reason.code();
        e.dueAtMs = decision == Decision.DEFER ? now + 60_000 : 0;
        now += 10;
        return e;
    }

    private DispatchEvent states(final long[]... changes)
    {
        final DispatchEvent e = new DispatchEvent();
        e.type = DispatchEvent.STATE;
        for (int i = 0; i < changes.length; i++)
        {
            final long[] c = changes[i];
            StateRecords.put(e.body, i * StateRecords.LENGTH, c[0], now, (byte)c[1], (byte)c[2], (byte)c[3], (short)c[4]);
        }
        e.stateCount = changes.length;
        now += 10;
        return e;
    }

    private static long[] state(final DispatchEvent of, final DeliveryState state, final int attempts, final byte channel,
        final int reason)
    {
        return new long[] {of.messageId, state.code(), attempts, channel, reason};
    }

    /** An inbound chat message with platform event id {@code eventId}, as the inbound publisher puts it in the ring. */
    private DispatchEvent inbound(final JournalHandler journalStage, final String eventId)
    {
        final RingBuffer<DispatchEvent> ring = RingBuffer.createMultiProducer(DispatchEvent::new, 2);
        assertThat(new InboundPublisher(ring, new RingPort("inbound", 0), tenants).offer(new InboundEvent(InboundEvent.Kind.MESSAGE, "acme",
            ChannelType.CHAT, "psid-1", "page-9", 0, "hello", "{}", eventId, now))).isNotDone();
        final DispatchEvent e = ring.get(ring.getCursor());
        // the journal stage is the only one that acts on an INBOUND event
        journalStage.onEvent(e, 0, true);
        return e;
    }

    private DispatchEvent rate(final int channel, final long perSecond, final long burst, final int reservedPercent)
    {
        final DispatchEvent e = new DispatchEvent();
        e.type = DispatchEvent.POLICY_UPDATE;
        e.tenantId = 1;
        e.channel = (byte)channel;
        e.ratePerSecond = perSecond;
        e.rateBurst = burst;
        e.reservedPercent = reservedPercent;
        return e;
    }

    /** A CONSENT body ({@link ConsentFrame}) that opts {@code recipient} out on {@code channel}. */
    private static byte[] consent(final byte channel, final String recipient)
    {
        final byte[] to = recipient.getBytes(StandardCharsets.UTF_8);
        final byte[] b = new byte[ConsentFrame.RECIPIENT_LENGTH_OFFSET + 1 + to.length];
        b[0] = channel;
        b[ConsentFrame.KIND_OFFSET] = ConsentFrame.CONSENT;
        b[2] = (byte)ConsentFlags.OPTED_OUT;
        b[ConsentFrame.RECIPIENT_LENGTH_OFFSET] = (byte)to.length;
        System.arraycopy(to, 0, b, ConsentFrame.RECIPIENT_LENGTH_OFFSET + 1, to.length);
        return b;
    }

    private static String statusOf(final StatusTable t, final int slot)
    {
        return "state=" + t.state(slot) + " attempts=" + t.attempts(slot) + " reason=" + t.reason(slot) + " at="
            + t.updatedAt(slot) + " channel=" + t.channel(slot) + " kind=" + t.kind(slot) + " tenant=" + t.tenant(slot)
            + " campaign=" + t.campaignSlot(slot) + " e2e=" + t.e2eStartMs(slot) + "/" + t.handedOff(slot);
    }

    private static List<String> campaignCounts(final CampaignStats s)
    {
        final List<Integer> ids = new ArrayList<>();
        for (int c = 0; c <= CampaignDescriptor.COUNTER_FALLBACK_AVOIDED; c++)
        {
            ids.add(c);
        }
        for (int channel = 1; channel <= 3; channel++)
        {
            for (int what = 0; what <= CampaignDescriptor.CHANNEL_FAILED; what++)
            {
                ids.add(CampaignDescriptor.channelCounter(channel, what));
            }
        }
        for (int reason = 0; reason < 60; reason++)
        {
            ids.add(CampaignDescriptor.COUNTER_SUPPRESSED_BASE + reason);
        }
        return ids.stream().filter(c -> s.get(CAMPAIGN_SLOT, c) != 0).map(c -> c + "=" + s.get(CAMPAIGN_SLOT, c))
            .toList();
    }

    private JournalHandler journalStage(final Journal journal)
    {
        return new JournalHandler(journal, false, keys, tenants, new Counters(), new DistinctErrorLog(new Counters()), 60,
            contents, policyStage);
    }

    private PolicyHandler policyStage(final PolicyEngine policy, final PolicyRates r, final PolicyCaps c,
        final List<String> seen)
    {
        return new PolicyHandler(policy, new DedupIndex(HOUR), () -> now, new Counters(), r,
            PolicyHandler.Wiring.NONE.withCaps(c).withObserver((tenantId, channel, recipientKey, to, kind, atMs) ->
                seen.add(tenantId + "/" + channel + "/" + recipientKey + "/" + to + "/" + kind + "/" + atMs)));
    }

    private static PolicyEngine engine()
    {
        final Properties p = new Properties();
        p.setProperty("tenants", "acme");
        p.setProperty("tenant.acme.apiKey", "k");
        final Settings s = new Settings(p);
        final TenantPolicy[] byId = new TenantPolicy[2];
        byId[1] = TenantPolicy.read(s, "acme");
        return new PolicyEngine(PolicyConfig.read(s), byId, new RecipientDirectory(), T0);
    }
}
