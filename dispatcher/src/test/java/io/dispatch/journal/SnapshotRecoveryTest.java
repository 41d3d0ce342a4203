package io.dispatch.journal;

import io.dispatch.config.CapRules;
import io.dispatch.config.JournalRetention;
import io.dispatch.config.TenantConfig;
import io.dispatch.config.TenantRegistry;
import io.dispatch.connector.InboundEvent;
import io.dispatch.inbound.InboundBody;
import io.dispatch.policy.DedupIndex;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.Decision;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import io.dispatch.status.StatusTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A start from a snapshot plus the journal's tail hands the lanes, the scheduler, the policies, the dedup index and
 * the status table exactly what a full scan does; a corrupt or half-written snapshot falls back to the previous one.
 */
class SnapshotRecoveryTest
{
    private static final byte[] BODY = RecoveryFixture.submitBody(ChannelType.SMS);
    private static final byte[] TENANT = "demo".getBytes(StandardCharsets.UTF_8);
    private static final TenantRegistry TENANTS = new TenantRegistry(List.of(new TenantConfig(1, "demo", "k")));
    private static final long HOUR = 3_600_000;
    private static final long DAY = 24 * HOUR;
    private static final long T0 = 1_700_000_000_000L;
    private static final long RECIPIENT_KEY = io.dispatch.policy.RecipientKeys.recipientKey(1, BODY,
        io.dispatch.policy.RecipientKeys.recipientAt(BODY));

    @TempDir
    Path dir;

    /** Everything a recovery hands on, as text, in the order it was handed. */
    private static final class Outcome implements Recovery.Sink, Recovery.PolicySink
    {
        final List<String> calls = new ArrayList<>();
        final DedupIndex dedup = new DedupIndex(HOUR);
        final StatusTable status = new StatusTable(1024);

        Recovery recovery(final long nowMs)
        {
            return new Recovery(dedup, status, TENANTS, nowMs, HOUR, 0, this);
        }

        @Override
        public void pending(final long id, final byte channel, final byte kind, final int attempts, final boolean uncertain)
        {
            calls.add("pending " + id + " " + channel + " " + kind + " " + attempts + " " + uncertain);
        }

        @Override
        public void awaitingReceipt(final long id, final byte channel, final byte kind, final long at, final boolean uncertain)
        {
            calls.add("awaiting " + id + " " + channel + " " + kind + " " + at + " " + uncertain);
        }

        @Override
        public void deferred(final long id, final long dueAtMs, final long recipientKey, final long deadlineMs,
            final int tenantId, final byte kind, final byte channel, final boolean prepaid, final int consentOverride,
            final long campaignId)
        {
            calls.add("deferred " + id + " " + dueAtMs + " " + recipientKey + " " + deadlineMs + " " + tenantId + " " + kind
                + " " + channel + " " + prepaid + " " + consentOverride + " " + campaignId);
        }

        @Override
        public void deadLetter(final long id, final long atMs, final byte channel, final int tenantId, final byte state,
            final short reason, final int attempts, final byte kind)
        {
            calls.add("dead " + id + " " + atMs + " " + channel + " " + tenantId + " " + state + " " + reason + " " + attempts);
        }

        @Override
        public void sent(final int tenantId, final byte kind, final byte channel, final long recipientKey, final long atMs)
        {
            calls.add("sent " + tenantId + " " + kind + " " + channel + " " + recipientKey + " " + atMs);
        }

        @Override
        public void consent(final int tenantId, final byte[] body)
        {
            calls.add("consent " + tenantId + " " + new String(body, StandardCharsets.UTF_8));
        }

        @Override
        public void content(final long contentHash, final long messageId, final long atMs)
        {
        }

        @Override
        public int campaignMessage(final long campaignId, final byte channel, final byte decision, final short reason)
        {
            calls.add("campaign " + campaignId + " " + channel + " " + decision + " " + reason);
            return (int)campaignId + 100;
        }

        @Override
        public void campaignState(final int campaignSlot, final byte channel, final byte state, final short reason)
        {
            calls.add("campaign state " + campaignSlot + " " + channel + " " + state + " " + reason);
        }

        /** Campaign counts come back summed per campaign: compared as a sorted list, apart from the rest. */
        List<String> campaignCalls()
        {
            return calls.stream().filter(c -> c.startsWith("campaign")).sorted().toList();
        }

        /** Dead letters go to the lanes, the rest to the policies: each in journal order, not interleaved. */
        List<String> deadLetters()
        {
            return calls.stream().filter(c -> c.startsWith("dead")).toList();
        }

        List<String> otherCalls()
        {
            return calls.stream().filter(c -> !c.startsWith("campaign") && !c.startsWith("dead")).toList();
        }

        @Override
        public void rate(final int tenantId, final byte channel, final long perSecond, final long burst,
            final int reservedPercent, final long atMs)
        {
            calls.add("rate " + tenantId + " " + channel + " " + perSecond + " " + burst + " " + reservedPercent + " at "
                + atMs);
        }

        @Override
        public void laneRate(final byte channel, final long perSecond, final long burst, final int reservedPercent,
            final long atMs)
        {
            calls.add("lane rate " + channel + " " + perSecond + " " + burst + " " + reservedPercent + " at " + atMs);
        }

        @Override
        public void caps(final int tenantId, final byte kind, final byte channel, final CapRules rules, final long atMs)
        {
            calls.add("caps " + tenantId + " " + kind + " " + channel + " " + rules + " max " + rules.maxCount() + " in "
                + rules.maxWindowMs() + " at " + atMs);
        }

        @Override
        public void inbound(final long index, final int tenantId, final long atMs, final byte[] body,
            final int bodyLength)
        {
            calls.add("inbound " + index + " " + tenantId + " " + atMs + " "
                + InboundBody.decode("demo", body, 0, bodyLength));
        }

        @Override
        public void template(final long index, final byte[] id, final byte[] text)
        {
            calls.add("template " + index + " " + new String(id, StandardCharsets.UTF_8));
        }

        /** The state of every id of the journal's cycle up to {@code last}, and whether each key still deduplicates. */
        List<String> state(final long last, final long[] keys, final long nowMs)
        {
            final List<String> out = new ArrayList<>();
            for (long id = last & ~0xFFFFL; id <= last; id++)
            {
                final int slot = status.find(id);
                if (slot >= 0)
                {
                    out.add(id + ":" + status.state(slot) + "/" + status.attempts(slot) + "/" + status.channel(slot) + "/"
                        + status.reason(slot) + "/" + status.tenant(slot) + "/" + status.kind(slot) + "/"
                        + status.campaignSlot(slot) + "/e2e " + status.e2eStartMs(slot) + "/" + status.handedOff(slot));
                }
            }
            for (final long k : keys)
            {
                out.add("key " + k + " -> " + dedup.find(k, nowMs));
            }
            return out;
        }
    }

    private long accept(final JournalWriter w, final long atMs, final long key, final Decision decision, final long dueAtMs)
    {
        return w.appendAccepted(MessageKind.INFORMATIONAL.code(), ChannelType.SMS.code(), TENANT, 3600, atMs, key,
            decision.code(), false, (short)0, dueAtMs, BODY, BODY.length);
    }

    private static void state(final JournalWriter w, final long id, final long atMs, final DeliveryState s,
        final int attempts, final Reason reason)
    {
        final byte[] b = new byte[StateRecords.LENGTH];
        StateRecords.put(b, 0, id, atMs, s.code(), (byte)attempts, ChannelType.SMS.code(), (short)reason.code());
        w.appendStates(b, 1);
    }

    private static void stateOn(final JournalWriter w, final long id, final long atMs, final DeliveryState s,
        final int attempts, final ChannelType channel)
    {
        final byte[] b = new byte[StateRecords.LENGTH];
        StateRecords.put(b, 0, id, atMs, s.code(), (byte)attempts, channel.code(), (short)0);
        w.appendStates(b, 1);
    }

    private static long inbound(final JournalWriter w, final InboundEvent e)
    {
        final byte[] body = InboundBody.encode(e);
        return w.appendInbound(e.receivedAtMs(), TENANT, body, body.length);
    }

    private static InboundEvent message(final String from, final String eventId, final long atMs)
    {
        return new InboundEvent(InboundEvent.Kind.MESSAGE, "demo", ChannelType.CHAT, from, "page-9", 0, "hi", "{}",
            eventId, atMs);
    }

    private static byte[] address(final String phone)
    {
        final byte[] text = phone.getBytes(StandardCharsets.US_ASCII);
        final byte[] a = new byte[1 + text.length];
        a[0] = (byte)text.length;
        System.arraycopy(text, 0, a, 1, text.length);
        return a;
    }

    private Snapshotter snapshotter(final Journal journal, final long nowMs)
    {
        return new Snapshotter(journal, new SnapshotStore(dir.resolve("snapshots")), TENANTS, () -> nowMs, HOUR, 0,
            HOUR, DAY, 1024, 16, new JournalRetention(60_000, 0));
    }

    @Test
    void shouldRecoverFromSnapshotAndTailAsAFullScanDoes() throws Exception
    {
        final long[] keys = {11, 12, 13, 14};
        final long now = T0 + 10_000;
        try (Journal journal = new Journal(dir.resolve("journal"), "FAST_DAILY"))
        {
            final JournalWriter w = journal.newWriter(false);
            // before the first snapshot: delivered, failed, in flight, awaiting a receipt, deferred, consent, rate
            final long delivered = accept(w, T0, 11, Decision.SEND, 0);
            final long failed = accept(w, T0 + 1, 12, Decision.SEND, 0);
            final long inFlight = accept(w, T0 + 2, 0, Decision.SEND, 0);
            final long awaiting = accept(w, T0 + 3, 13, Decision.SEND, 0);
            final long deferred = accept(w, T0 + 4, 0, Decision.DEFER, T0 + 50_000);
            final long old = accept(w, T0 - 2 * HOUR, 14, Decision.SEND, 0); // its key is past the horizon
            w.appendConsent(T0 + 5, TENANT, "optout".getBytes(StandardCharsets.UTF_8), 6);
            w.appendRate(T0 + 6, TENANT, (byte)0, 500, 50, 10);
            w.appendTemplate("otp".getBytes(StandardCharsets.UTF_8), "code {c}".getBytes(StandardCharsets.UTF_8));
            state(w, delivered, T0 + 10, DeliveryState.DISPATCHED, 1, Reason.NONE);
            state(w, delivered, T0 + 11, DeliveryState.PROVIDER_ACCEPTED, 1, Reason.NONE);
            state(w, delivered, T0 + 12, DeliveryState.DELIVERED, 0, Reason.NONE);
            state(w, failed, T0 + 13, DeliveryState.FAILED, 1, Reason.PROVIDER_UNAVAILABLE);
            state(w, inFlight, T0 + 14, DeliveryState.DISPATCHED, 1, Reason.NONE);
            state(w, awaiting, T0 + 15, DeliveryState.DISPATCHED, 1, Reason.NONE);
            state(w, awaiting, T0 + 16, DeliveryState.PROVIDER_ACCEPTED, 1, Reason.NONE);
            state(w, old, T0 + 17, DeliveryState.DELIVERED, 1, Reason.NONE);
            final long[] campaign = new long[3];
            for (int i = 0; i < campaign.length; i++)
            {
                campaign[i] = w.appendAccepted(MessageKind.MARKETING.code(), ChannelType.SMS.code(), TENANT, 3600, T0 + 18,
                    0, Decision.SEND.code(), false, (short)0, 0, 7, -1, BODY, BODY.length);
            }
            state(w, campaign[0], T0 + 19, DeliveryState.DELIVERED, 1, Reason.NONE);
            state(w, campaign[1], T0 + 19, DeliveryState.FAILED, 1, Reason.PROVIDER_UNAVAILABLE);
            final SnapshotStore.Snapshot taken = snapshotter(journal, now).snapshotNow();
            assertThat(taken).isNotNull();

            // the tail: the in-flight one retries, the deferred one is released, the receipt comes, a new message
            state(w, inFlight, T0 + 20, DeliveryState.RETRYING, 1, Reason.PROVIDER_TIMEOUT);
            state(w, deferred, T0 + 21, DeliveryState.DISPATCHED, 1, Reason.NONE);
            state(w, awaiting, T0 + 22, DeliveryState.DELIVERED, 0, Reason.NONE);
            state(w, campaign[2], T0 + 22, DeliveryState.DELIVERED, 1, Reason.NONE);
            final long later = accept(w, T0 + 23, 0, Decision.DEFER, T0 + 90_000);
            w.appendRate(T0 + 24, TENANT, (byte)0, 700, 70, 10);
            w.close();

            final Outcome full = new Outcome();
            full.recovery(now).run(journal, full);
            final Outcome fromSnapshot = new Outcome();
            assertThat(fromSnapshot.recovery(now).run(journal, fromSnapshot, new SnapshotStore(dir.resolve("snapshots"))))
                .isEqualTo(taken);

            // a send older than the longest cap window can no longer cap anything: the snapshot leaves it out
            assertThat(fromSnapshot.otherCalls()).containsExactlyElementsOf(full.otherCalls().stream()
                .filter(c -> !c.equals("sent 1 1 1 " + RECIPIENT_KEY + " " + (T0 - 2 * HOUR))).toList());
            assertThat(fromSnapshot.deadLetters()).containsExactlyElementsOf(full.deadLetters()).hasSize(2);
            assertThat(fromSnapshot.campaignCalls()).containsExactlyElementsOf(full.campaignCalls())
                .contains("campaign state 107 1 5 0", "campaign state 107 1 6 " + Reason.PROVIDER_UNAVAILABLE.code());
            assertThat(full.calls).contains("sent 1 1 1 " + RECIPIENT_KEY + " " + (T0 - 2 * HOUR));
            assertThat(fromSnapshot.state(later, keys, now)).containsExactlyElementsOf(full.state(later, keys, now));
            assertThat(full.calls).contains("pending " + inFlight + " 1 1 1 true")
                .anyMatch(c -> c.startsWith("pending " + deferred + " "))
                .anyMatch(c -> c.startsWith("deferred " + later + " "))
                .contains("dead " + failed + " " + (T0 + 13) + " 1 1 6 " + Reason.PROVIDER_UNAVAILABLE.code() + " 1");
            assertThat(full.state(later, keys, now)).contains("key 11 -> " + delivered, "key 14 -> -1");
        }
    }

    @Test
    void shouldFallBackToThePreviousSnapshotWhenTheNewestIsCorruptAndIgnoreAHalfWrittenOne() throws Exception
    {
        final long now = T0 + 10_000;
        final SnapshotStore store = new SnapshotStore(dir.resolve("snapshots"));
        try (Journal journal = new Journal(dir.resolve("journal"), "FAST_DAILY"))
        {
            final JournalWriter w = journal.newWriter(false);
            final long first = accept(w, T0, 21, Decision.SEND, 0);
            final SnapshotStore.Snapshot older = snapshotter(journal, now).snapshotNow();
            state(w, first, T0 + 1, DeliveryState.DISPATCHED, 1, Reason.NONE);
            final long second = accept(w, T0 + 2, 22, Decision.SEND, 0);
            final SnapshotStore.Snapshot newer = snapshotter(journal, now).snapshotNow();
            state(w, second, T0 + 3, DeliveryState.DELIVERED, 1, Reason.NONE);
            w.close();
            assertThat(store.list()).extracting(SnapshotStore.Snapshot::coveredIndex)
                .containsExactly(newer.coveredIndex(), older.coveredIndex());

            // a flipped byte in the newest one's body, and what a crash before the rename leaves
            try (RandomAccessFile f = new RandomAccessFile(newer.file().toFile(), "rw"))
            {
                f.seek(SnapshotStore.HEADER_LENGTH + 3);
                final int b = f.read();
                f.seek(SnapshotStore.HEADER_LENGTH + 3);
                f.write(b ^ 0x5A);
            }
            final Path partial = dir.resolve("snapshots").resolve("snapshot-00000000000000ff.snap.tmp");
            Files.write(partial, new byte[] {1, 2, 3});

            final Outcome full = new Outcome();
            full.recovery(now).run(journal, full);
            final Outcome recovered = new Outcome();
            assertThat(recovered.recovery(now).run(journal, recovered, store)).isEqualTo(older);
            assertThat(recovered.otherCalls()).containsExactlyElementsOf(full.otherCalls());
            assertThat(recovered.deadLetters()).containsExactlyElementsOf(full.deadLetters());
            assertThat(recovered.state(second, new long[] {21, 22}, now))
                .containsExactlyElementsOf(full.state(second, new long[] {21, 22}, now));
            assertThat(partial).doesNotExist();
            assertThat(SnapshotStore.verify(newer)).isFalse();
            assertThat(SnapshotStore.verify(older)).isTrue();
        }
    }

    @Test
    void shouldCarryCapsLaneRatesInboundEventsAndFallbackAddressesAsAFullScanDoes() throws Exception
    {
        final long now = T0 + 10_000;
        final byte[] phone = address("01099998888");
        final byte[] otherPhone = address("01077776666");
        try (Journal journal = new Journal(dir.resolve("journal"), "FAST_DAILY"))
        {
            final JournalWriter w = journal.newWriter(false);
            // before the snapshot: runtime caps and a lane's rate, inbound messages (one older than every window),
            // a push moved to SMS at the recipient's phone and still owed there, one whose move was deferred
            w.appendCaps(T0 + 1, TENANT, MessageKind.MARKETING.code(), (byte)0,
                "1/24h,3/7d".getBytes(StandardCharsets.US_ASCII));
            w.appendCaps(T0 + 2, TENANT, MessageKind.INFORMATIONAL.code(), ChannelType.SMS.code(),
                "none".getBytes(StandardCharsets.US_ASCII));
            w.appendRate(T0 + 3, new byte[0], ChannelType.SMS.code(), 40, 4, 0);
            final long stale = inbound(w, message("psid-old", "mid.0", T0 - 2 * DAY));
            final long recent = inbound(w, message("psid-1", "mid.1", T0 + 4));
            final long moved = w.appendAccepted(MessageKind.INFORMATIONAL.code(), ChannelType.PUSH.code(), TENANT, 3600,
                T0 + 5, 0, Decision.SEND.code(), false, (short)0, 0, BODY, BODY.length);
            final long movedDeferred = w.appendAccepted(MessageKind.INFORMATIONAL.code(), ChannelType.PUSH.code(), TENANT,
                3600, T0 + 5, 0, Decision.SEND.code(), false, (short)0, 0, BODY, BODY.length);
            stateOn(w, moved, T0 + 6, DeliveryState.PROVIDER_ACCEPTED, 1, ChannelType.PUSH);
            stateOn(w, movedDeferred, T0 + 6, DeliveryState.PROVIDER_ACCEPTED, 1, ChannelType.PUSH);
            w.appendAddress(moved, T0 + 7, ChannelType.SMS.code(), phone);
            stateOn(w, moved, T0 + 7, DeliveryState.RETRYING, 0, ChannelType.SMS);
            w.appendAddress(movedDeferred, T0 + 7, ChannelType.SMS.code(), otherPhone);
            stateOn(w, movedDeferred, T0 + 60_000, DeliveryState.DEFERRED, 0, ChannelType.SMS);
            w.appendLateReceipt(moved, T0 + 8, ChannelType.PUSH.code(), DeliveryState.DELIVERED.code(), (short)0);
            // the lanes' live view, written by the journal stage: the background fold must leave it alone
            final FallbackAddresses live = journal.fallbackAddresses();
            final byte[] liveEntry = address("01012341234");
            live.put(424_242, liveEntry);
            final SnapshotStore.Snapshot taken = snapshotter(journal, now).snapshotNow();
            assertThat(taken).isNotNull();
            assertThat(live.size()).isEqualTo(1);
            assertThat(live.get(424_242)).isSameAs(liveEntry);
            assertThat(live.get(moved)).isNull();
            live.remove(424_242);

            // the tail: the same webhook delivered again, a later caps change and lane rate
            inbound(w, message("psid-1", "mid.1", T0 + 9));
            w.appendCaps(T0 + 10, TENANT, MessageKind.MARKETING.code(), (byte)0,
                "2/24h".getBytes(StandardCharsets.US_ASCII));
            w.appendRate(T0 + 11, new byte[0], ChannelType.SMS.code(), 80, 8, 0);
            w.close();

            final Outcome full = new Outcome();
            full.recovery(now).run(journal, full);
            assertThat(live.get(moved)).containsExactly(phone);
            live.remove(moved);
            final Outcome fromSnapshot = new Outcome();
            assertThat(fromSnapshot.recovery(now).run(journal, fromSnapshot, new SnapshotStore(dir.resolve("snapshots"))))
                .isEqualTo(taken);

            // an inbound event older than the dedup and conversation windows can no longer matter: left out
            final String staleCall = full.calls.stream().filter(c -> c.startsWith("inbound " + stale + " ")).findFirst()
                .orElseThrow();
            assertThat(fromSnapshot.otherCalls()).containsExactlyElementsOf(full.otherCalls().stream()
                .filter(c -> !c.equals(staleCall)).toList());
            assertThat(fromSnapshot.calls).contains(
                "caps 1 " + MessageKind.MARKETING.code() + " 0 1/24h,3/7d max 3 in " + 7 * DAY + " at " + (T0 + 1),
                "caps 1 " + MessageKind.INFORMATIONAL.code() + " " + ChannelType.SMS.code() + " none max 0 in 0 at "
                    + (T0 + 2),
                "caps 1 " + MessageKind.MARKETING.code() + " 0 2/24h max 2 in " + DAY + " at " + (T0 + 10),
                "lane rate " + ChannelType.SMS.code() + " 40 4 0 at " + (T0 + 3),
                "lane rate " + ChannelType.SMS.code() + " 80 8 0 at " + (T0 + 11),
                "pending " + moved + " " + ChannelType.SMS.code() + " 1 0 false")
                .anyMatch(c -> c.startsWith("inbound " + recent + " 1 " + (T0 + 4) + " ") && c.contains("mid.1"))
                .anyMatch(c -> c.startsWith("deferred " + movedDeferred + " " + (T0 + 60_000) + " "
                    + io.dispatch.policy.RecipientKeys.recipientKey(1, otherPhone, 0) + " "));
            // the move to the phone survived the snapshot: the SMS lane sends there, not to the push recipient
            assertThat(live.get(moved)).containsExactly(phone);
            assertThat(fromSnapshot.state(moved, new long[0], now)).containsExactlyElementsOf(full.state(moved, new long[0], now));
        }
    }

    @Test
    void shouldCarryEveryJournalRecordTypeInASnapshot() throws Exception
    {
        final List<Byte> types = new ArrayList<>();
        for (final Field f : JournalRecord.class.getDeclaredFields())
        {
            if (f.getName().startsWith("TYPE_") && f.getType() == byte.class && Modifier.isStatic(f.getModifiers()))
            {
                types.add(f.getByte(null));
            }
        }
        assertThat(types).hasSizeGreaterThanOrEqualTo(11);
        // a record type recovery folds but a snapshot drops is lost for good once retention deletes its cycle:
        // a new TYPE_ constant needs its snapshot handling, and its row in SnapshotEffects.CARRIED
        assertThat(SnapshotEffects.CARRIED.keySet()).containsExactlyInAnyOrderElementsOf(types);
        assertThat(Arrays.asList(JournalReader.Visitor.class.getMethods()).stream().map(m -> m.getName()).sorted())
            .as("the fold's callbacks: a new one needs snapshot handling (SnapshotEffects or Recovery's snapshot)")
            .containsExactly("onAccepted", "onAddress", "onCaps", "onConsent", "onInbound", "onRate", "onState",
                "onTemplate");
    }
}
