package io.dispatch.journal;

import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.Decision;
import io.dispatch.protocol.MessageKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pretoucher on a real journal on disk: touching a page changes none of its bytes, even pages the appender has
 * already written (a frontier it read late); it touches only what is reserved and inside the file, never growing it;
 * it follows the appender to a new cycle file.
 */
class JournalPretoucherTest
{
    private static final byte[] TENANT = "demo".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path tmp;

    @Test
    void shouldLeaveEveryJournaledByteAsItWasWhenTouchingWrittenPages() throws Exception
    {
        try (Journal journal = new Journal(tmp.resolve("journal"), "FAST_DAILY"))
        {
            final JournalWriter w = journal.newWriter(false);
            final Random random = new Random(7);
            for (int i = 0; i < 3_000; i++)
            {
                final byte[] body = new byte[100 + random.nextInt(3_000)];
                random.nextBytes(body);
                assertThat(append(w, body)).isPositive();
            }
            final List<byte[]> before = documents(journal);
            final AppendFrontier.Cycle live = journal.appendFrontier().current();
            final long fileLength = live.file().length();
            assertThat(live.reservedEnd()).as("the writer published its reservation").isGreaterThan(live.position());

            // a frontier read long ago: position 0, so every written page is in the range to touch
            final AppendFrontier stale = new AppendFrontier();
            final AppendFrontier.Cycle cycle = stale.open(live.cycle(), live.file());
            cycle.position(0);
            cycle.reservedEnd(live.reservedEnd());
            final JournalPretoucher pretoucher = new JournalPretoucher(stale, 64L << 20);
            drain(pretoucher);
            pretoucher.onClose();

            assertThat(pretoucher.touchedBytes()).as("every page after the first up to the reservation's end")
                .isEqualTo((live.reservedEnd() & -JournalPretoucher.PAGE_BYTES) - JournalPretoucher.PAGE_BYTES);
            assertThat(live.file().length()).isEqualTo(fileLength);
            final List<byte[]> after = documents(journal);
            assertThat(after).hasSameSizeAs(before);
            for (int i = 0; i < before.size(); i++)
            {
                assertThat(after.get(i)).as("document %d", i).isEqualTo(before.get(i));
            }
            // and the appender goes on where it was
            final byte[] last = "after the touch".getBytes(StandardCharsets.UTF_8);
            assertThat(append(w, last)).isPositive();
            assertThat(documents(journal)).hasSize(before.size() + 1);
            w.close();
        }
    }

    @Test
    void shouldTouchOnlyAheadOfTheAppenderWithinTheReservationAndTheFile() throws Exception
    {
        final Path file = tmp.resolve("cycle.cq4");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.setLength(1L << 20);
        }
        final AppendFrontier frontier = new AppendFrontier();
        final AppendFrontier.Cycle cycle = frontier.open(1, file.toFile());
        cycle.position(10_000);
        cycle.reservedEnd(3L << 20);
        final JournalPretoucher pretoucher = new JournalPretoucher(frontier, 8L << 20);

        drain(pretoucher);
        assertThat(pretoucher.touchedBytes()).as("from the page after the appender's to the file's end")
            .isEqualTo((1L << 20) - 3 * JournalPretoucher.PAGE_BYTES);
        assertThat(Files.size(file)).as("a touch never grows the file").isEqualTo(1L << 20);

        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.setLength(4L << 20);
        }
        drain(pretoucher);
        assertThat(pretoucher.touchedBytes()).as("then up to the reservation's end, not the file's")
            .isEqualTo((3L << 20) - 3 * JournalPretoucher.PAGE_BYTES);

        cycle.position((3L << 20) - 100);
        cycle.reservedEnd((3L << 20) + 5 * JournalPretoucher.PAGE_BYTES);
        final long touched = pretoucher.touchedBytes();
        drain(pretoucher);
        assertThat(pretoucher.touchedBytes() - touched).as("the pages the reservation grew by")
            .isEqualTo(5L * JournalPretoucher.PAGE_BYTES);
        pretoucher.onClose();
    }

    @Test
    void shouldFollowTheAppenderToANewCycleFileAndKeepToTheDistanceAhead() throws Exception
    {
        final Path first = tmp.resolve("first.cq4");
        final Path second = tmp.resolve("second.cq4");
        for (final Path p : new Path[] {first, second})
        {
            try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw"))
            {
                raf.setLength(8L << 20);
            }
        }
        final AppendFrontier frontier = new AppendFrontier();
        final AppendFrontier.Cycle one = frontier.open(1, first.toFile());
        one.position(0);
        one.reservedEnd(8L << 20);
        final JournalPretoucher pretoucher = new JournalPretoucher(frontier, 1L << 20);
        drain(pretoucher);
        assertThat(pretoucher.touchedBytes()).as("only the distance ahead")
            .isEqualTo((1L << 20) - JournalPretoucher.PAGE_BYTES);

        final AppendFrontier.Cycle two = frontier.open(2, second.toFile());
        two.position(4096);
        two.reservedEnd(8L << 20);
        drain(pretoucher);
        assertThat(pretoucher.touchedBytes()).as("the new file from its appender's next page")
            .isEqualTo((2L << 20) - 2 * JournalPretoucher.PAGE_BYTES);
        pretoucher.onClose();
        Files.delete(first);
        Files.delete(second);
    }

    private static void drain(final JournalPretoucher pretoucher) throws Exception
    {
        for (int i = 0; i < 100_000 && pretoucher.doWork() > 0; i++)
        {
            // each call touches a bounded number of pages
        }
        assertThat(pretoucher.doWork()).as("nothing left to touch").isZero();
    }

    private static List<byte[]> documents(final Journal journal)
    {
        final List<byte[]> docs = new ArrayList<>();
        journal.readAll((index, bytes, length) -> docs.add(Arrays.copyOf(bytes, length)));
        return docs;
    }

    private static long append(final JournalWriter w, final byte[] body)
    {
        return w.appendAccepted(MessageKind.INFORMATIONAL.code(), ChannelType.SMS.code(), TENANT, 60, 1_000, 0,
            Decision.SEND.code(), false, (short)0, 0, body, body.length);
    }
}
