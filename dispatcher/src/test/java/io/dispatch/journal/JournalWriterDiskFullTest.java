package io.dispatch.journal;

import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.Decision;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import io.dispatch.testing.TmpfsMount;
import net.openhft.chronicle.core.time.SetTimeProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The writer on a really small file system (a 24 MiB tmpfs) that fills up: an append the disk has no room for
 * writes nothing and says so instead of faulting on the memory-mapped file; state changes still fit in the headroom
 * accepted records leave, also for a writer opened again on the full disk; every id handed out is distinct,
 * readable, and appends resume once space is freed.
 */
class JournalWriterDiskFullTest
{
    private static final byte[] TENANT = "demo".getBytes(StandardCharsets.UTF_8);
    private static final byte[] BODY = new byte[4096];

    @TempDir
    Path tmp;

    @Test
    void shouldRefuseAppendsCleanlyWhenTheDiskIsFullAndResumeWhenSpaceIsFreed() throws Exception
    {
        try (TmpfsMount fs = TmpfsMount.mount(tmp.resolve("fs"), 24L << 20))
        {
            final Path ballast = fs.dir().resolve("ballast");
            final List<Long> ids = new ArrayList<>();
            try (Journal journal = new Journal(fs.dir().resolve("journal"), "FAST_DAILY"))
            {
                JournalWriter w = journal.newWriter(false);
                ids.add(append(w));
                fs.fill(ballast, 14L << 20);

                long id;
                int refused = 0;
                while ((id = append(w)) != JournalWriter.NO_SPACE || refused++ < 100)
                {
                    if (id != JournalWriter.NO_SPACE)
                    {
                        ids.add(id);
                    }
                }
                assertThat(ids).as("appends before the disk filled").hasSizeGreaterThan(100);

                final byte[] states = new byte[64 * StateRecords.LENGTH];
                for (int i = 0; i < 64; i++)
                {
                    StateRecords.put(states, i * StateRecords.LENGTH, ids.get(0), 1_000 + i, DeliveryState.DISPATCHED.code(),
                        (byte)1, ChannelType.SMS.code(), (short)0);
                }
                for (int i = 0; i < 1000; i++)
                {
                    assertThat(w.appendStates(states, 64)).as("state batch %d fits in the headroom", i).isTrue();
                }
                assertThat(w.lastSpaceErrno()).isEqualTo(28);
                w.close();

                // a restarted writer on the still full disk: the blocks the last one reserved are there to use
                w = journal.newWriter(false);
                assertThat(w.appendStates(states, 64)).as("state batch after a restart on a full disk").isTrue();
                assertThat(append(w)).as("a new message after a restart on a full disk").isEqualTo(JournalWriter.NO_SPACE);

                Files.delete(ballast);
                // after a refusal the writer retries the reservation every RETRY_EVERY_CHECKS appends, not each one
                int retries = 0;
                while ((id = append(w)) == JournalWriter.NO_SPACE)
                {
                    assertThat(++retries).as("refusals after space was freed").isLessThanOrEqualTo(JournalSpace.RETRY_EVERY_CHECKS);
                }
                ids.add(id);
                final int before = ids.size();
                for (int i = 0; i < 200; i++)
                {
                    id = append(w);
                    assertThat(id).as("append after space was freed").isPositive();
                    ids.add(id);
                }
                assertThat(ids.size()).isEqualTo(before + 200);
                w.close();

                final Set<Long> distinct = new HashSet<>(ids);
                assertThat(distinct).as("no id handed out twice").hasSize(ids.size());
                assertThat(ids).isSorted();
                final List<Long> journaled = new ArrayList<>();
                try (JournalReader reader = journal.newReader())
                {
                    reader.scanFromStart(new JournalReader.Visitor()
                    {
                        @Override
                        public void onAccepted(final long messageId, final AcceptedRecord record)
                        {
                            journaled.add(messageId);
                        }

                        @Override
                        public void onState(final long messageId, final byte state, final byte attempts, final byte channel,
                            final short reason, final long atMs)
                        {
                        }
                    }, new AcceptedRecord());
                }
                assertThat(journaled).as("exactly the ids handed out are in the journal").containsExactlyElementsOf(ids);
            }
        }
    }

    @Test
    void shouldRefuseARollToANewCycleFileWhenTheDiskIsFull() throws Exception
    {
        try (TmpfsMount fs = TmpfsMount.mount(tmp.resolve("fs"), 24L << 20))
        {
            final SetTimeProvider time = new SetTimeProvider(TimeUnit.DAYS.toNanos(20_000));
            try (Journal journal = new Journal(fs.dir().resolve("journal"), "FAST_DAILY", time))
            {
                final JournalWriter w = journal.newWriter(false);
                final long first = append(w);
                assertThat(first).isPositive();
                final Path ballast = fs.dir().resolve("ballast");
                fs.fill(ballast, 24L << 20);

                // the next day: Chronicle would create the new cycle file and write its header into the full disk
                time.advanceMillis(TimeUnit.DAYS.toMillis(1));
                assertThat(append(w)).as("a record that would roll onto a full disk").isEqualTo(JournalWriter.NO_SPACE);
                final byte[] state = new byte[StateRecords.LENGTH];
                StateRecords.put(state, 0, first, 1_000, DeliveryState.DISPATCHED.code(), (byte)1, ChannelType.SMS.code(),
                    (short)0);
                assertThat(w.appendStates(state, 1)).as("a state change that would roll onto a full disk").isFalse();

                Files.delete(ballast);
                final long next = append(w);
                assertThat(next).as("the roll once space is back").isGreaterThan(first);
                assertThat(w.appendStates(state, 1)).isTrue();
                w.close();

                final List<Long> journaled = new ArrayList<>();
                try (JournalReader reader = journal.newReader())
                {
                    reader.scanFromStart(new JournalReader.Visitor()
                    {
                        @Override
                        public void onAccepted(final long messageId, final AcceptedRecord record)
                        {
                            journaled.add(messageId);
                        }

                        @Override
                        public void onState(final long messageId, final byte state, final byte attempts, final byte channel,
                            final short reason, final long atMs)
                        {
                        }
                    }, new AcceptedRecord());
                }
                assertThat(journaled).containsExactly(first, next);
            }
        }
    }

    private static long append(final JournalWriter w)
    {
        return w.appendAccepted(MessageKind.INFORMATIONAL.code(), ChannelType.SMS.code(), TENANT, 60, 1_000, 0,
            Decision.SEND.code(), false, (short)0, 0, BODY, BODY.length);
    }
}
