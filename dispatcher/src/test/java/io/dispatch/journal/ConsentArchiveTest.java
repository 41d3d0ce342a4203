package io.dispatch.journal;

import io.dispatch.config.JournalRetention;
import io.dispatch.config.TenantConfig;
import io.dispatch.config.TenantRegistry;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.ConsentFlags;
import io.dispatch.protocol.Decision;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import io.dispatch.targeting.AddressConsentLedger;
import io.dispatch.targeting.DirectoryLedger;
import net.openhft.chronicle.core.time.TimeProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Retention deletes old cycles, not the consent evidence in them: the consent export lists exactly the same rows,
 * with their journal index and time, before and after, across a restart, and after a crash between the copy into
 * the archive and the deletion (no row twice, none lost).
 */
class ConsentArchiveTest
{
    private static final byte[] BODY = RecoveryFixture.submitBody(ChannelType.SMS);
    private static final byte[] TENANT = "demo".getBytes(StandardCharsets.UTF_8);
    private static final TenantRegistry TENANTS = new TenantRegistry(List.of(new TenantConfig(1, "demo", "k")));
    private static final long DAY = 86_400_000L;
    private static final long DAY0 = 19_700 * DAY;

    @TempDir
    Path dir;

    private long nowMs;

    private final TimeProvider time = new TimeProvider()
    {
        @Override
        public long currentTimeMillis()
        {
            return nowMs;
        }

        @Override
        public long currentTimeMicros()
        {
            return nowMs * 1000;
        }

        @Override
        public long currentTimeNanos()
        {
            return TimeUnit.MILLISECONDS.toNanos(nowMs);
        }
    };

    @Test
    void shouldExportTheSameConsentRowsAfterRetentionDeletedTheirCycles() throws Exception
    {
        final List<DirectoryLedger.Entry> before;
        final long archived;
        try (Journal journal = journal())
        {
            final JournalWriter w = journal.newWriter(false);
            writeOldDays(w);
            before = export(journal);
            assertThat(before).extracting(DirectoryLedger.Entry::source)
                .containsExactly("080:0801234567", "call 2023-12-09", "talktalk:friend_on", "talktalk:friend_off",
                    "form 2023-12-14");
            assertThat(cycleFiles()).hasSize(4);

            final Snapshotter snapshotter = snapshotter(journal);
            assertThat(snapshotter.snapshotNow()).isNotNull();
            assertThat(snapshotter.retainNow()).isEqualTo(3);
            assertThat(cycleFiles()).hasSize(1);
            assertThat(journal.consentArchive().records()).as("every CONSENT record of the deleted cycles, the"
                + " directory's mirrored ones too").isEqualTo(5);
            assertThat(export(journal)).as("same rows, same journal index and time, same order").isEqualTo(before);

            // later evidence follows the archived rows, in journal order
            nowMs += 1000;
            consent(w, ChannelType.SMS.code(), 0, ConsentFlags.AD, "01033334444", "call 2023-12-14");
            final List<DirectoryLedger.Entry> more = export(journal);
            assertThat(more).hasSize(before.size() + 1).startsWith(before.toArray(new DirectoryLedger.Entry[0]));
            assertThat(more.get(more.size() - 1).source()).isEqualTo("call 2023-12-14");

            // a copy that failed half-way (a full disk) leaves bytes past the last record: the next copy replaces them
            final byte[] junk = new byte[4096];
            Arrays.fill(junk, (byte)0x55);
            Files.write(dir.resolve(ConsentArchive.FILE), junk, StandardOpenOption.APPEND);
            final ConsentArchive archive = journal.consentArchive();
            assertThat(archive.exclusive(() -> archive.copyBefore(journal, Long.MAX_VALUE))).isEqualTo(2);
            assertThat(archive.records()).isEqualTo(7);
            assertThat(export(journal)).isEqualTo(more);
            archived = Files.size(dir.resolve(ConsentArchive.FILE));
            w.close();
            before.clear();
            before.addAll(more);
        }
        // a restart reads the archive from disk
        try (Journal journal = journal())
        {
            assertThat(journal.consentArchive().records()).isEqualTo(7);
            assertThat(Files.size(dir.resolve(ConsentArchive.FILE))).as("nothing past the last record to cut")
                .isEqualTo(archived);
            assertThat(export(journal)).isEqualTo(before);
        }
    }

    @Test
    void shouldNeitherDuplicateNorLoseARowWhenTheDeletionNeverHappenedAfterTheCopy() throws Exception
    {
        final List<DirectoryLedger.Entry> before;
        try (Journal journal = journal())
        {
            final JournalWriter w = journal.newWriter(false);
            writeOldDays(w);
            before = export(journal);
            assertThat(snapshotter(journal).snapshotNow()).isNotNull();
            // the copy of a retention run that died before deleting (SnapshotCrashIT does it with a real kill -9)
            final long firstKept = net.openhft.chronicle.queue.RollCycles.FAST_DAILY.toIndex(19_705, 0);
            assertThat(journal.consentArchive().exclusive(() -> journal.consentArchive().copyBefore(journal, firstKept)))
                .isEqualTo(5);
            assertThat(export(journal)).as("archived and still in the journal: listed once").isEqualTo(before);
            w.close();
        }
        // a torn record at the end, as a kill -9 in the middle of the next copy would leave
        final Path archive = dir.resolve(ConsentArchive.FILE);
        final byte[] whole = Files.readAllBytes(archive);
        Files.write(archive, Arrays.copyOfRange(whole, 8, 30), StandardOpenOption.APPEND);
        try (Journal journal = journal())
        {
            assertThat(journal.consentArchive().records()).isEqualTo(5);
            assertThat(Files.size(archive)).as("the torn tail is cut").isEqualTo(whole.length);
            final Snapshotter snapshotter = snapshotter(journal);
            assertThat(snapshotter.retainNow()).isEqualTo(3);
            assertThat(journal.consentArchive().records()).as("the next run copies nothing twice").isEqualTo(5);
            assertThat(export(journal)).isEqualTo(before);
        }
    }

    @Test
    void shouldStopOnAnArchiveDamagedBeforeItsEnd() throws Exception
    {
        try (Journal journal = journal())
        {
            final JournalWriter w = journal.newWriter(false);
            writeOldDays(w);
            assertThat(snapshotter(journal).snapshotNow()).isNotNull();
            assertThat(snapshotter(journal).retainNow()).isEqualTo(3);
            w.close();
        }
        final Path archive = dir.resolve(ConsentArchive.FILE);
        final byte[] bytes = Files.readAllBytes(archive);
        bytes[8 + 12 + 2] ^= 1; // inside the first record
        Files.write(archive, bytes);
        try (Journal journal = journal())
        {
            assertThatThrownBy(() -> journal.consentArchive().open()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(ConsentArchive.FILE).hasMessageContaining("damaged at byte 8")
                .hasMessageContaining("restore it from a backup");
            assertThat(Files.readAllBytes(archive)).as("evidence is never cut from the middle").isEqualTo(bytes);
        }
    }

    /** Days 0, 1, 2: consent evidence and delivered messages; day 5: the same, and today. */
    private void writeOldDays(final JournalWriter w)
    {
        nowMs = DAY0 + 1000;
        state(w, accept(w));
        consent(w, ChannelType.SMS.code(), ConsentFlags.OPTED_OUT, 0, "01011112222", "080:0801234567");
        nowMs = DAY0 + DAY + 1000;
        consent(w, ChannelType.SMS.code(), ConsentFlags.AD, 0, "01011112222", "call 2023-12-09");
        consent(w, ChannelType.SMS.code(), ConsentFlags.AD, 0, "01099990000", "directory:u7"); // mirrored: not a row
        state(w, accept(w));
        nowMs = DAY0 + 2 * DAY + 1000;
        consent(w, 4, ConsentFlags.AD, 0, "tt-user-1", "talktalk:friend_on");
        consent(w, 4, 0, ConsentFlags.AD, "tt-user-1", "talktalk:friend_off");
        nowMs = DAY0 + 5 * DAY + 1000;
        consent(w, ChannelType.SMS.code(), ConsentFlags.NIGHT_AD, 0, "01011112222", "form 2023-12-14");
        state(w, accept(w));
    }

    private Journal journal()
    {
        return new Journal(dir.resolve("journal"), "FAST_DAILY", time);
    }

    private Snapshotter snapshotter(final Journal journal)
    {
        return new Snapshotter(journal, new SnapshotStore(dir.resolve("snapshots")), TENANTS, () -> nowMs, 3_600_000, 0,
            0, 0, 1024, 16, new JournalRetention(60_000, 1));
    }

    private static List<DirectoryLedger.Entry> export(final Journal journal)
    {
        final List<DirectoryLedger.Entry> rows = new ArrayList<>();
        new AddressConsentLedger(journal).export("demo", null, "", 0, Long.MAX_VALUE, rows::add);
        return rows;
    }

    private long accept(final JournalWriter w)
    {
        return w.appendAccepted(MessageKind.INFORMATIONAL.code(), ChannelType.SMS.code(), TENANT, 86_400 * 90, nowMs,
            0, Decision.SEND.code(), false, (short)0, 0, BODY, BODY.length);
    }

    private void state(final JournalWriter w, final long id)
    {
        final byte[] b = new byte[StateRecords.LENGTH];
        StateRecords.put(b, 0, id, nowMs, DeliveryState.DELIVERED.code(), (byte)1, ChannelType.SMS.code(), (short)0);
        w.appendStates(b, 1);
    }

    private void consent(final JournalWriter w, final int channel, final int set, final int clear, final String address,
        final String source)
    {
        final byte[] a = address.getBytes(StandardCharsets.UTF_8);
        final byte[] s = source.getBytes(StandardCharsets.UTF_8);
        final byte[] body = new byte[8 + a.length + s.length];
        body[0] = (byte)channel;
        body[2] = (byte)set;
        body[4] = (byte)clear;
        body[6] = (byte)a.length;
        System.arraycopy(a, 0, body, 7, a.length);
        body[7 + a.length] = (byte)s.length;
        System.arraycopy(s, 0, body, 8 + a.length, s.length);
        assertThat(w.appendConsent(nowMs, TENANT, body, body.length)).isTrue();
    }

    private List<String> cycleFiles()
    {
        final String[] names = dir.resolve("journal").toFile().list((d, n) -> n.endsWith(".cq4"));
        return names == null ? List.of() : Arrays.asList(names);
    }
}
