package io.dispatch.journal;

import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.Decision;
import io.dispatch.protocol.MessageKind;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ACCEPTED record on a real Chronicle Queue: what {@link JournalWriter} writes at the
 * {@link AcceptedRecordDescriptor} offsets, {@link AcceptedRecord} reads back field for field, through both readers
 * (the lanes' {@link JournalReader} and the stream's {@link JournalCursor}), for each of the three record types.
 */
class AcceptedRecordTest
{
    private static final byte[] TENANT = "tenant-ü".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    @Test
    void shouldReadEveryFieldTheWriterWroteForADecidedAndACampaignRecord()
    {
        final byte[] body = RecoveryFixture.submitBody(ChannelType.CHAT);
        try (Journal journal = new Journal(dir, "FAST_DAILY"))
        {
            final JournalWriter writer = journal.newWriter(false);
            final long decided = writer.appendAccepted(MessageKind.AUTH.code(), ChannelType.CHAT.code(), TENANT,
                3_600, 1_700_000_000_001L, 0x0102_0304_0506_0708L, Decision.DEFER.code(), true, (short)517,
                1_700_000_060_000L, 0, -1, body, body.length);
            final long campaign = writer.appendAccepted(MessageKind.MARKETING.code(), ChannelType.SMS.code(), TENANT,
                90, 1_700_000_000_002L, -7L, Decision.SEND.code(), false, (short)0, 0, 42L, 5, body, body.length);

            final AcceptedRecord r = new AcceptedRecord();
            try (JournalReader reader = journal.newReader())
            {
                assertThat(reader.readAccepted(decided, r)).isTrue();
                assertDecided(r, body);
                assertThat(reader.readAccepted(campaign, r)).isTrue();
                assertCampaign(r, body);
            }

            final List<String> seen = new ArrayList<>();
            try (JournalCursor cursor = journal.newCursor())
            {
                cursor.startAfter(JournalCursor.FROM_START);
                cursor.poll(new VisitAccepted((record, position) ->
                {
                    if (seen.isEmpty())
                    {
                        assertDecided(record, body);
                    }
                    else
                    {
                        assertCampaign(record, body);
                    }
                    seen.add(record.tenant());
                }), 10);
            }
            assertThat(seen).containsExactly("tenant-ü", "tenant-ü");
        }
    }

    @Test
    void shouldReadTheSpinesRecordWithoutDecisionFieldsAsSend()
    {
        final byte[] body = RecoveryFixture.submitBody(ChannelType.SMS);
        final long id;
        // a type 1 record as the spine wrote it: no engine writes one any more, so it is laid out here by hand
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(dir.toFile())
            .rollCycle(RollCycles.FAST_DAILY).build())
        {
            final ExcerptAppender appender = queue.createAppender();
            try (DocumentContext dc = appender.writingDocument())
            {
                final Bytes<?> b = dc.wire().bytes();
                final long start = b.writePosition();
                b.writeByte(JournalRecord.TYPE_ACCEPTED);
                b.writeByte(MessageKind.INFORMATIONAL.code());
                b.writeByte(ChannelType.SMS.code());
                b.writeUnsignedByte(TENANT.length);
                b.writeInt(60);
                b.writeLong(1_700_000_000_003L);
                b.writeLong(99L);
                b.writeUnsignedShort(body.length);
                assertThat(b.writePosition() - start).isEqualTo(AcceptedRecordDescriptor.SPINE_LENGTH);
                b.write(TENANT);
                b.write(body);
            }
            id = appender.lastIndexAppended();
        }
        try (Journal journal = new Journal(dir, "FAST_DAILY"); JournalReader reader = journal.newReader())
        {
            final AcceptedRecord r = new AcceptedRecord();
            assertThat(reader.readAccepted(id, r)).isTrue();
            assertThat(r.kind).isEqualTo(MessageKind.INFORMATIONAL.code());
            assertThat(r.ttlSeconds).isEqualTo(60);
            assertThat(r.acceptedAtMs).isEqualTo(1_700_000_000_003L);
            assertThat(r.keyHash).isEqualTo(99L);
            assertThat(r.decision).isEqualTo((byte)0);
            assertThat(r.prepaid).isFalse();
            assertThat(r.campaignId).isZero();
            assertThat(r.consentOverride).isEqualTo(-1);
            assertThat(r.tenant()).isEqualTo("tenant-ü");
            assertThat(body(r)).isEqualTo(body);
        }
    }

    private static void assertDecided(final AcceptedRecord r, final byte[] body)
    {
        assertThat(r.kind).isEqualTo(MessageKind.AUTH.code());
        assertThat(r.channel).isEqualTo(ChannelType.CHAT.code());
        assertThat(r.ttlSeconds).isEqualTo(3_600);
        assertThat(r.acceptedAtMs).isEqualTo(1_700_000_000_001L);
        assertThat(r.keyHash).isEqualTo(0x0102_0304_0506_0708L);
        assertThat(r.decision).isEqualTo(Decision.DEFER.code());
        assertThat(r.prepaid).isTrue();
        assertThat(r.reason).isEqualTo((short)517);
        assertThat(r.dueAtMs).isEqualTo(1_700_000_060_000L);
        assertThat(r.campaignId).isZero();
        assertThat(r.consentOverride).isEqualTo(-1);
        assertThat(r.tenant()).isEqualTo("tenant-ü");
        assertThat(body(r)).isEqualTo(body);
    }

    private static void assertCampaign(final AcceptedRecord r, final byte[] body)
    {
        assertThat(r.kind).isEqualTo(MessageKind.MARKETING.code());
        assertThat(r.channel).isEqualTo(ChannelType.SMS.code());
        assertThat(r.ttlSeconds).isEqualTo(90);
        assertThat(r.keyHash).isEqualTo(-7L);
        assertThat(r.decision).isEqualTo(Decision.SEND.code());
        assertThat(r.prepaid).isFalse();
        assertThat(r.dueAtMs).isZero();
        assertThat(r.campaignId).isEqualTo(42L);
        assertThat(r.consentOverride).isEqualTo(5);
        assertThat(r.tenant()).isEqualTo("tenant-ü");
        assertThat(body(r)).isEqualTo(body);
    }

    private static byte[] body(final AcceptedRecord r)
    {
        return java.util.Arrays.copyOf(r.body, r.bodyLength);
    }

    /** Takes ACCEPTED records only. */
    private record VisitAccepted(java.util.function.ObjLongConsumer<AcceptedRecord> onAccepted)
        implements JournalCursor.Visitor
    {
        @Override
        public boolean onAccepted(final long position, final AcceptedRecord record)
        {
            onAccepted.accept(record, position);
            return true;
        }

        @Override
        public boolean onState(final long position, final long messageId, final byte state, final byte attempts,
            final byte channel, final short reason, final long atMs)
        {
            return true;
        }

        @Override
        public boolean onInbound(final long position, final long atMs, final byte[] tenantName,
            final int tenantNameLength, final byte[] body, final int length)
        {
            return true;
        }
    }
}
