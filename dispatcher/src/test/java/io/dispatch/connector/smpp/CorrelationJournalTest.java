package io.dispatch.connector.smpp;

import io.dispatch.connector.runtime.JournalRecordLog;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.Reason;
import org.agrona.concurrent.EpochClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The receipt correlation log on a real Chronicle queue: what a correlator logs in one life is restored into the
 * correlator of the next (accepted ids, delivered parts), and what ended or is older than the TTL is not.
 */
@Timeout(60)
class CorrelationJournalTest
{
    private static final long TTL_MS = 3_600_000;

    @TempDir
    Path dir;
    private final AtomicLong nowMs = new AtomicLong(System.currentTimeMillis());
    private final EpochClock clock = nowMs::get;
    private final List<String> out = new CopyOnWriteArrayList<>();


    @Test
    void shouldRestoreWaitingMessagesAndForgetEndedOnes()
    {
        try (Life life = new Life())
        {
            accept(life.correlator, 1, "a1");
            accept(life.correlator, 2, "b1", "b2", "b3");
            accept(life.correlator, 3, "c1");
            life.correlator.onReceipt(receipt("b2", DeliveryState.DELIVERED));
            life.correlator.onReceipt(receipt("c1", DeliveryState.DELIVERED));
            assertThat(out).containsExactly("3 DELIVERED");
        }
        out.clear();

        try (Life life = new Life())
        {
            assertThat(life.restored).as("messages 1 and 2 wait; 3 ended").isEqualTo(2);
            life.correlator.onReceipt(receipt("c1", DeliveryState.DELIVERED));
            life.correlator.onReceipt(receipt("a1", DeliveryState.DELIVERED));
            life.correlator.onReceipt(receipt("b1", DeliveryState.DELIVERED));
            assertThat(out).containsExactly("1 DELIVERED");
            life.correlator.onReceipt(receipt("b3", DeliveryState.DELIVERED));
            assertThat(out).as("b2 was delivered before the restart").containsExactly("1 DELIVERED", "2 DELIVERED");
        }

        try (Life life = new Life())
        {
            assertThat(life.restored).as("everything ended in the previous lives").isZero();
        }
    }

    @Test
    void shouldEndARestoredMessageWithTheStateOfAFailedPart()
    {
        try (Life life = new Life())
        {
            accept(life.correlator, 4, "d1", "d2");
        }
        try (Life life = new Life())
        {
            life.correlator.onReceipt(new DeliveryReceipts.Receipt("d2", DeliveryState.FAILED, Reason.UNDELIVERABLE));
            life.correlator.onReceipt(receipt("d1", DeliveryState.DELIVERED));
            assertThat(out).containsExactly("4 FAILED");
        }
    }

    @Test
    void shouldNotRestoreMessagesAcceptedLongerAgoThanTheTrackingTtl()
    {
        try (Life life = new Life())
        {
            accept(life.correlator, 5, "old");
            nowMs.addAndGet(TTL_MS / 2);
            accept(life.correlator, 6, "recent");
        }
        nowMs.addAndGet(TTL_MS / 2 + 1);
        try (Life life = new Life())
        {
            assertThat(life.restored).isEqualTo(1);
            life.correlator.onReceipt(receipt("old", DeliveryState.DELIVERED));
            life.correlator.onReceipt(receipt("recent", DeliveryState.DELIVERED));
            assertThat(out).containsExactly("6 DELIVERED");
        }
    }

    @Test
    void shouldDeleteQueueFilesLastWrittenBeforeTheRetentionButNeverTheNewest() throws Exception
    {
        try (Life life = new Life())
        {
            accept(life.correlator, 7, "kept");
        }
        final Path stale = dir.resolve("20200101F.cq4");
        Files.write(stale, new byte[16]);
        Files.setLastModifiedTime(stale, FileTime.fromMillis(nowMs.get() - TTL_MS - 86_400_000L - 1));

        try (Life life = new Life())
        {
            assertThat(stale).doesNotExist();
            assertThat(life.restored).isEqualTo(1);
        }
    }

    /** One life of the connector, as {@link SmppConnector#start} runs it: open the log, restore, start writing. */
    private final class Life implements AutoCloseable
    {
        final CorrelationJournal journal = new CorrelationJournal(JournalRecordLog::open, dir, TTL_MS, clock);
        final ReceiptCorrelator correlator = new ReceiptCorrelator((id, state, reason) -> out.add(id + " " + state),
            1_000, TTL_MS, () -> nowMs.get() * 1_000_000L, journal);
        final int restored;

        Life()
        {
            restored = journal.restoreInto(correlator, nowMs.get() - TTL_MS);
            journal.start("sms-test");
        }

        @Override
        public void close()
        {
            journal.close();
        }
    }

    /** As the submitter does: register each part's id as its submit_sm_resp arrives, then report accepted. */
    private void accept(final ReceiptCorrelator correlator, final long messageId, final String... providerIds)
    {
        final ReceiptCorrelator.Tracking tracking = new ReceiptCorrelator.Tracking(messageId, providerIds.length);
        for (final String id : providerIds)
        {
            correlator.register(id, tracking);
        }
        correlator.logAccepted(tracking, providerIds, nowMs.get());
        correlator.arm(tracking);
    }

    private static DeliveryReceipts.Receipt receipt(final String id, final DeliveryState state)
    {
        return new DeliveryReceipts.Receipt(id, state, Reason.NONE);
    }
}
