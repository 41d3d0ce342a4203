package io.dispatch.it;

import io.dispatch.netty.ByteBufFrames;
import io.dispatch.journal.Journal;
import io.dispatch.journal.JournalWriter;
import io.dispatch.journal.StateRecords;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.Decision;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.MessageType;
import io.dispatch.targeting.AddressConsentLedger;
import io.dispatch.targeting.DirectoryLedger;
import io.dispatch.testing.ChildEngine;
import io.dispatch.testing.RawConnection;
import io.dispatch.testing.RawConnection.Frame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import net.openhft.chronicle.core.time.TimeProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A kill -9 (a halt at a crash-injection point, in a child engine) while a snapshot is written or while retention
 * deletes cycles leaves a data dir the next start recovers from: every acked message reaches a terminal state, keys
 * still deduplicate, and the journal has no hole.
 */
@Timeout(300)
class SnapshotCrashIT
{
    private static final long DAY = 86_400_000L;

    @TempDir
    Path dir;

    @Test
    void shouldRecoverEveryAckedMessageAfterAKillDuringASnapshot() throws Exception
    {
        // receipts of the provider (the child's simulator) die with it: those messages end EXPIRED after this
        final String[] slow = {"--set", "lane.sms.connector.latencyMs=20", "--set", "lane.sms.window=16",
            "--set", "lane.sms.receiptTimeoutMs=3000", "--set", "lane.sms.connector.receiptDelayMs=10"};
        final List<Long> acked = new ArrayList<>();
        final long keyedId;
        // 0: traffic, then kill -9 with acked messages still undelivered (the first snapshot was taken at start)
        try (ChildEngine child = ChildEngine.start(dir, slow);
            RawConnection c = RawConnection.open(child.port(), "demo", "demo-key"))
        {
            awaitLine(child, "event=snapshot_written", 60_000);
            c.submit(1, MessageKind.INFORMATIONAL, ChannelType.SMS, "snap-1", "01099990000", "paid");
            keyedId = c.read().messageId();
            for (long id = 10; id < 400; id++)
            {
                c.submit(id, MessageKind.INFORMATIONAL, ChannelType.SMS, "", "010" + id, "m");
            }
            for (int i = 0; i < 390; i++)
            {
                final Frame f = c.read();
                if (f.type == MessageType.ACK)
                {
                    acked.add(f.messageId());
                }
            }
            child.kill();
            assertThat(child.awaitExit(10_000)).isTrue();
        }
        assertThat(acked).hasSizeGreaterThan(100);
        assertThat(snapshots()).hasSize(1);

        // 1: the next start's snapshot is written to its temp file, then the process dies before the rename
        final ChildEngine.Exit written = ChildEngine.runToExit(dir, 120_000, with(slow, "-Ddispatch.test.crashAt=after_write"));
        assertThat(written.code()).isEqualTo(137);
        assertThat(written.text()).contains("crash point reached: after_write");
        assertThat(snapshots()).hasSize(2).anyMatch(n -> n.endsWith(".tmp"));

        // 2: the next start ignores the temp file, snapshots again, and dies just after the rename
        final ChildEngine.Exit renamed = ChildEngine.runToExit(dir, 120_000,
            with(slow, "-Ddispatch.test.crashAt=after_rename"));
        assertThat(renamed.code()).isEqualTo(137);
        assertThat(renamed.text()).contains("crash point reached: after_rename", "event=recovery_snapshot_loaded");
        assertThat(snapshots()).hasSize(2).allMatch(n -> n.endsWith(".snap"));

        // 3: a normal start loads the newest snapshot; every acked message ends, the key still deduplicates
        try (ChildEngine child = ChildEngine.start(dir, slow);
            RawConnection c = RawConnection.open(child.port(), "demo", "demo-key"))
        {
            assertThat(child.output()).anyMatch(l -> l.contains("event=recovery_snapshot_loaded"));
            assertThat(StatusPoller.awaitTerminal(c, acked, 120_000)).as("terminal state of every acked message")
                .allMatch(s -> s == DeliveryState.DELIVERED.code() || s == DeliveryState.EXPIRED.code());
            c.submit(2, MessageKind.INFORMATIONAL, ChannelType.SMS, "snap-1", "01099990000", "paid");
            final Frame duplicate = c.read();
            assertThat(duplicate.ackOutcome()).isEqualTo(1);
            assertThat(duplicate.messageId()).isEqualTo(keyedId);
        }
    }

    @Test
    void shouldLeaveAJournalWithoutAHoleAfterAKillDuringRetention() throws Exception
    {
        // three old days of delivered messages, and today one message still owed a dispatch
        final long today = System.currentTimeMillis();
        final long open = writeJournal(today - 10 * DAY, today - 9 * DAY, today - 8 * DAY, today);
        final String[] args = {"--set", "journal.retentionDays=2", "--set", "journal.snapshotIntervalSeconds=3600"};
        assertThat(cycles()).hasSize(4);

        final ChildEngine.Exit crashed = ChildEngine.runToExit(dir, 120_000,
            with(args, "-Ddispatch.test.crashAt=mid_retention"));
        assertThat(crashed.code()).isEqualTo(137);
        assertThat(crashed.text()).contains("crash point reached: mid_retention", "redispatch=1");
        final List<String> afterCrash = cycles();
        assertThat(afterCrash).as("the oldest cycle went first").hasSize(3);

        try (ChildEngine child = ChildEngine.start(dir, args);
            RawConnection c = RawConnection.open(child.port(), "demo", "demo-key"))
        {
            assertThat(child.output()).anyMatch(l -> l.contains("event=recovery_snapshot_loaded"));
            assertThat(StatusPoller.awaitTerminal(c, List.of(open), 60_000))
                .containsExactly((int)DeliveryState.DELIVERED.code());
            awaitCycles(1, 60_000);
        }
    }

    @Test
    void shouldKeepEveryConsentRowOnceAfterAKillBetweenTheArchiveAndTheDeletion() throws Exception
    {
        // consent evidence in three old days (an 080 opt-out, a client's grant, TalkTalk friend events), and today
        final long today = System.currentTimeMillis();
        writeJournal(true, today - 10 * DAY, today - 9 * DAY, today - 8 * DAY, today);
        final List<DirectoryLedger.Entry> before = consentRows();
        assertThat(before).hasSize(6);
        final String[] args = {"--set", "journal.retentionDays=2", "--set", "journal.snapshotIntervalSeconds=3600"};

        final ChildEngine.Exit crashed = ChildEngine.runToExit(dir, 120_000,
            with(args, "-Ddispatch.test.crashAt=after_consent_archive"));
        assertThat(crashed.code()).isEqualTo(137);
        assertThat(crashed.text()).contains("event=consent_archived records=6", "crash point reached: after_consent_archive");
        assertThat(cycles()).as("archived, nothing deleted yet").hasSize(4);
        assertThat(consentRows()).as("archived and still in the journal: each row once").isEqualTo(before);

        try (ChildEngine child = ChildEngine.start(dir, args))
        {
            awaitCycles(1, 60_000);
            assertThat(child.output()).noneMatch(l -> l.contains("event=consent_archived"));
        }
        assertThat(consentRows()).as("the same rows, journal index and time, after the deletion").isEqualTo(before);
    }

    /** The tenant's consent export, as {@code GET /tenants/demo/consent} reads it, from the data dir. */
    private List<DirectoryLedger.Entry> consentRows()
    {
        final List<DirectoryLedger.Entry> rows = new ArrayList<>();
        try (Journal journal = new Journal(dir.resolve("journal"), "FAST_DAILY"))
        {
            new AddressConsentLedger(journal).export("demo", null, "", 0, Long.MAX_VALUE, rows::add);
        }
        return rows;
    }

    private long writeJournal(final long... days) throws Exception
    {
        return writeJournal(false, days);
    }

    private long writeJournal(final boolean consent, final long... days) throws Exception
    {
        final long[] now = {days[0]};
        final TimeProvider time = new TimeProvider()
        {
            @Override
            public long currentTimeMillis()
            {
                return now[0];
            }

            @Override
            public long currentTimeMicros()
            {
                return now[0] * 1000;
            }

            @Override
            public long currentTimeNanos()
            {
                return TimeUnit.MILLISECONDS.toNanos(now[0]);
            }
        };
        final ByteBuf b = Unpooled.buffer();
        final int n = ByteBufFrames.submitBody(b, MessageKind.INFORMATIONAL, ChannelType.SMS, 3 * 86_400, "", "01012345678", "",
            "hi", null);
        final byte[] body = new byte[n];
        b.getBytes(0, body);
        final byte[] tenant = "demo".getBytes(StandardCharsets.UTF_8);
        final byte[] state = new byte[StateRecords.LENGTH];
        long id = -1;
        try (Journal journal = new Journal(dir.resolve("journal"), "FAST_DAILY", time))
        {
            final JournalWriter w = journal.newWriter(false);
            for (int d = 0; d < days.length; d++)
            {
                now[0] = days[d];
                id = w.appendAccepted(MessageKind.INFORMATIONAL.code(), ChannelType.SMS.code(), tenant, 3 * 86_400,
                    days[d], 0, Decision.SEND.code(), false, (short)0, 0, body, body.length);
                final boolean last = d == days.length - 1;
                StateRecords.put(state, 0, id, days[d], (last ? DeliveryState.DISPATCHED : DeliveryState.DELIVERED).code(),
                    (byte)1, ChannelType.SMS.code(), (short)0);
                w.appendStates(state, 1);
                if (consent && d < days.length - 1)
                {
                    // an opt-out, a grant, a withdrawal
                    consent(w, tenant, days[d], d == 0 ? 4 : d == 1 ? 1 : 0, d == 2 ? 1 : 0, "0101111222" + d,
                        "080:080123456" + d);
                    consent(w, tenant, days[d], 1, 0, "tt-" + d, "talktalk:friend_on");
                }
            }
            w.close();
        }
        return id;
    }

    private static void consent(final JournalWriter w, final byte[] tenant, final long atMs, final int set,
        final int clear, final String address, final String source)
    {
        final byte[] a = address.getBytes(StandardCharsets.UTF_8);
        final byte[] s = source.getBytes(StandardCharsets.UTF_8);
        final byte[] body = new byte[8 + a.length + s.length];
        body[0] = address.startsWith("tt-") ? (byte)4 : ChannelType.SMS.code();
        body[2] = (byte)set;
        body[4] = (byte)clear;
        body[6] = (byte)a.length;
        System.arraycopy(a, 0, body, 7, a.length);
        body[7 + a.length] = (byte)s.length;
        System.arraycopy(s, 0, body, 8 + a.length, s.length);
        assertThat(w.appendConsent(atMs, tenant, body, body.length)).isTrue();
    }

    private static void awaitLine(final ChildEngine child, final String text, final long timeoutMs) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (child.output().stream().noneMatch(l -> l.contains(text)) && System.nanoTime() < deadline)
        {
            Thread.sleep(20); // the snapshot thread only logs: poll the child's output, bounded
        }
        assertThat(child.output()).anyMatch(l -> l.contains(text));
    }

    private void awaitCycles(final int n, final long timeoutMs) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (cycles().size() != n && System.nanoTime() < deadline)
        {
            Thread.sleep(50); // retention runs on the engine's snapshot thread: poll the directory, bounded
        }
        assertThat(cycles()).hasSize(n);
    }

    private List<String> cycles()
    {
        final String[] names = dir.resolve("journal").toFile().list((d, name) -> name.endsWith(".cq4"));
        return names == null ? List.of() : Arrays.asList(names);
    }

    private List<String> snapshots() throws IOException
    {
        final Path s = dir.resolve("snapshots");
        if (!Files.isDirectory(s))
        {
            return List.of();
        }
        try (var files = Files.list(s))
        {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }

    private static String[] with(final String[] args, final String extra)
    {
        final String[] out = Arrays.copyOf(args, args.length + 1);
        out[args.length] = extra;
        return out;
    }
}
