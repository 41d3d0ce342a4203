package io.dispatch.journal;

import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.Decision;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cluster mode's source id (the message's cluster id) journaled with its ACCEPTED record ({@link
 * JournalRecord#TYPE_ACCEPTED_FED}) on a real Chronicle Queue: read back by both readers, and handed back by recovery
 * for the open messages only, before any of them goes to the lanes or the scheduler.
 */
class RecoverySourceIdsTest
{
    private static final byte[] TENANT = "demo".getBytes(StandardCharsets.UTF_8);
    private static final byte[] BODY = RecoveryFixture.submitBody(ChannelType.SMS);
    private static final long CLUSTER_ID = 1L << 62 | 3L << 44 | 1_234;

    @TempDir
    Path dir;

    @Test
    void shouldReadTheSourceIdOfAFedRecordAndNoneOfTheOthers()
    {
        try (Journal journal = new Journal(dir, "FAST_DAILY"))
        {
            final JournalWriter w = journal.newWriter(false);
            final long fed = w.appendAccepted(MessageKind.AUTH.code(), ChannelType.SMS.code(), TENANT, 3_600,
                1_700_000_000_001L, 77L, Decision.DEFER.code(), true, (short)5, 1_700_000_060_000L, 0, -1, CLUSTER_ID,
                BODY, BODY.length);
            final long own = w.appendAccepted(MessageKind.INFORMATIONAL.code(), ChannelType.SMS.code(), TENANT, 60,
                1_700_000_000_002L, 0, Decision.SEND.code(), false, (short)0, 0, BODY, BODY.length);
            final long campaign = w.appendAccepted(MessageKind.MARKETING.code(), ChannelType.SMS.code(), TENANT, 60,
                1_700_000_000_003L, 0, Decision.SEND.code(), false, (short)0, 0, 42L, 5, BODY, BODY.length);

            final AcceptedRecord r = new AcceptedRecord();
            try (JournalReader reader = journal.newReader())
            {
                assertThat(reader.readAccepted(fed, r)).isTrue();
                assertThat(r.sourceId).isEqualTo(CLUSTER_ID);
                // every other field where type 4 has it
                assertThat(r.kind).isEqualTo(MessageKind.AUTH.code());
                assertThat(r.ttlSeconds).isEqualTo(3_600);
                assertThat(r.acceptedAtMs).isEqualTo(1_700_000_000_001L);
                assertThat(r.keyHash).isEqualTo(77L);
                assertThat(r.decision).isEqualTo(Decision.DEFER.code());
                assertThat(r.prepaid).isTrue();
                assertThat(r.reason).isEqualTo((short)5);
                assertThat(r.dueAtMs).isEqualTo(1_700_000_060_000L);
                assertThat(r.campaignId).isZero();
                assertThat(r.consentOverride).isEqualTo(-1);
                assertThat(r.tenant()).isEqualTo("demo");
                assertThat(Arrays.copyOf(r.body, r.bodyLength)).isEqualTo(BODY);

                assertThat(reader.readAccepted(own, r)).isTrue();
                assertThat(r.sourceId).isZero();
                assertThat(reader.readAccepted(campaign, r)).isTrue();
                assertThat(r.sourceId).isZero();
                assertThat(r.campaignId).isEqualTo(42L);
            }

            final List<Long> sources = new ArrayList<>();
            try (JournalCursor cursor = journal.newCursor())
            {
                cursor.startAfter(JournalCursor.FROM_START);
                cursor.poll(new JournalCursor.Visitor()
                {
                    @Override
                    public boolean onAccepted(final long position, final AcceptedRecord record)
                    {
                        sources.add(record.sourceId);
                        return true;
                    }

                    @Override
                    public boolean onState(final long position, final long messageId, final byte state,
                        final byte attempts, final byte channel, final short reason, final long atMs)
                    {
                        return true;
                    }

                    @Override
                    public boolean onInbound(final long position, final long atMs, final byte[] tenantName,
                        final int tenantNameLength, final byte[] body, final int length)
                    {
                        return true;
                    }
                }, 10);
            }
            assertThat(sources).containsExactly(CLUSTER_ID, 0L, 0L);
        }
    }

    @Test
    void shouldHandBackTheSourceIdsOfOpenFedMessagesBeforeTheLanesGetThem()
    {
        final List<String> seen = new ArrayList<>();
        try (Journal journal = new Journal(dir, "FAST_DAILY"))
        {
            final JournalWriter w = journal.newWriter(false);
            final long deferred = fed(w, Decision.DEFER, CLUSTER_ID);
            final long pending = fed(w, Decision.SEND, CLUSTER_ID + 1);
            final long awaiting = fed(w, Decision.SEND, CLUSTER_ID + 2);
            final long delivered = fed(w, Decision.SEND, CLUSTER_ID + 3);
            final long own = w.appendAccepted(MessageKind.INFORMATIONAL.code(), ChannelType.SMS.code(), TENANT, 3_600,
                1_000, 0, Decision.SEND.code(), false, (short)0, 0, BODY, BODY.length);
            final byte[] states = new byte[3 * StateRecords.LENGTH];
            StateRecords.put(states, 0, awaiting, 2_000, DeliveryState.PROVIDER_ACCEPTED.code(), (byte)1,
                ChannelType.SMS.code(), (short)0);
            StateRecords.put(states, StateRecords.LENGTH, delivered, 2_000, DeliveryState.PROVIDER_ACCEPTED.code(),
                (byte)1, ChannelType.SMS.code(), (short)0);
            StateRecords.put(states, 2 * StateRecords.LENGTH, delivered, 3_000, DeliveryState.DELIVERED.code(),
                (byte)1, ChannelType.SMS.code(), (short)0);
            w.appendStates(states, 3);
            w.close();

            RecoveryFixture.recovery(10_000)
                .sourceIds((messageId, sourceId) -> seen.add("source " + messageId + " " + sourceId))
                .run(journal, new Recovery.Sink()
                {
                    @Override
                    public void pending(final long messageId, final byte channel, final byte kind, final int attempts,
                        final boolean uncertain)
                    {
                        seen.add("pending " + messageId);
                    }

                    @Override
                    public void awaitingReceipt(final long messageId, final byte channel, final byte kind,
                        final long providerAcceptedAtMs, final boolean uncertain)
                    {
                        seen.add("awaiting " + messageId);
                    }

                    @Override
                    public void deferred(final long messageId, final long dueAtMs, final long recipientKey,
                        final long deadlineMs, final int tenantId, final byte kind, final byte channel,
                        final boolean prepaid, final int consentOverride, final long campaignId)
                    {
                        seen.add("deferred " + messageId);
                    }
                });
            // the ended one (delivered) and the node's own (no source id) are not handed back
            assertThat(seen).containsExactly(
                "source " + deferred + " " + CLUSTER_ID,
                "source " + pending + " " + (CLUSTER_ID + 1),
                "source " + awaiting + " " + (CLUSTER_ID + 2),
                "pending " + pending,
                "pending " + own,
                "awaiting " + awaiting,
                "deferred " + deferred);
        }
    }

    /**
     * A fed message's cap send and content key are its partition's changelog's (docs/design/cluster.md): recovery
     * counts neither, at acceptance or at a release, so a node getting the partition back after a restart counts each
     * send once. The node's own messages (a campaign's; every message on a single node) are counted as before.
     */
    @Test
    void shouldCountNoSendAndRecordNoContentKeyOfAFedMessage()
    {
        final List<String> seen = new ArrayList<>();
        try (Journal journal = new Journal(dir, "FAST_DAILY"))
        {
            final JournalWriter w = journal.newWriter(false);
            final long fedSent = fed(w, Decision.SEND, CLUSTER_ID);
            final long fedReleased = fed(w, Decision.DEFER, CLUSTER_ID + 1);
            final long own = w.appendAccepted(MessageKind.INFORMATIONAL.code(), ChannelType.SMS.code(), TENANT, 3_600,
                1_000, 0, Decision.SEND.code(), false, (short)0, 0, BODY, BODY.length);
            final long ownReleased = w.appendAccepted(MessageKind.INFORMATIONAL.code(), ChannelType.SMS.code(), TENANT,
                3_600, 1_000, 0, Decision.DEFER.code(), false, (short)0, 60_000, BODY, BODY.length);
            final byte[] states = new byte[2 * StateRecords.LENGTH];
            StateRecords.put(states, 0, fedReleased, 2_000, DeliveryState.DISPATCHED.code(), (byte)1,
                ChannelType.SMS.code(), (short)0);
            StateRecords.put(states, StateRecords.LENGTH, ownReleased, 2_500, DeliveryState.DISPATCHED.code(), (byte)1,
                ChannelType.SMS.code(), (short)0);
            w.appendStates(states, 2);
            w.close();

            new Recovery(new io.dispatch.policy.DedupIndex(3_600_000), new io.dispatch.status.StatusTable(1024),
                new io.dispatch.config.TenantRegistry(List.of(new io.dispatch.config.TenantConfig(1, "demo", "k"))),
                10_000, 3_600_000, 3_600_000, new Recovery.PolicySink()
                {
                    @Override
                    public void sent(final int tenantId, final byte kind, final byte channel, final long recipientKey,
                        final long atMs)
                    {
                        seen.add("sent at " + atMs);
                    }

                    @Override
                    public void consent(final int tenantId, final byte[] body)
                    {
                    }

                    @Override
                    public void content(final long contentHash, final long messageId, final long atMs)
                    {
                        seen.add("content of " + messageId);
                    }
                }).campaignKeysOnly(true).run(journal, new Recovery.Sink()
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
                    public void deferred(final long messageId, final long dueAtMs, final long recipientKey,
                        final long deadlineMs, final int tenantId, final byte kind, final byte channel,
                        final boolean prepaid, final int consentOverride, final long campaignId)
                    {
                    }
                });
            assertThat(fedSent).isNotEqualTo(own);
            // the own message at its acceptance (1000) and the own release (2500); nothing of the fed ones
            assertThat(seen).containsExactlyInAnyOrder("content of " + own, "content of " + ownReleased, "sent at 1000",
                "sent at 2500");
        }
    }

    private static long fed(final JournalWriter w, final Decision decision, final long clusterId)
    {
        return w.appendAccepted(MessageKind.INFORMATIONAL.code(), ChannelType.SMS.code(), TENANT, 3_600, 1_000, 0,
            decision.code(), false, (short)0, decision == Decision.DEFER ? 60_000 : 0, 0, -1, clusterId, BODY,
            BODY.length);
    }
}
