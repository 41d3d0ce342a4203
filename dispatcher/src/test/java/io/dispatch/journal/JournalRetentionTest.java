package io.dispatch.journal;

import io.dispatch.config.JournalRetention;
import io.dispatch.config.TenantConfig;
import io.dispatch.config.TenantRegistry;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.Decision;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import net.openhft.chronicle.core.time.TimeProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Retention deletes only old cycles that no kept snapshot needs: never one holding a message still owed a dispatch
 * (nor any after it), and a start after it recovers what it recovered before.
 */
class JournalRetentionTest
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

    private long accept(final JournalWriter w)
    {
        return w.appendAccepted(MessageKind.INFORMATIONAL.code(), ChannelType.SMS.code(), TENANT, 86_400 * 90, nowMs,
            0, Decision.SEND.code(), false, (short)0, 0, BODY, BODY.length);
    }

    private void state(final JournalWriter w, final long id, final DeliveryState s)
    {
        final byte[] b = new byte[StateRecords.LENGTH];
        StateRecords.put(b, 0, id, nowMs, s.code(), (byte)1, ChannelType.SMS.code(), (short)0);
        w.appendStates(b, 1);
    }

    private Snapshotter snapshotter(final Journal journal)
    {
        return new Snapshotter(journal, new SnapshotStore(dir.resolve("snapshots")), TENANTS, () -> nowMs, 3_600_000, 0,
            0, 0, 1024, 16, new JournalRetention(60_000, 1));
    }

    private List<String> cycleFiles()
    {
        final String[] names = dir.resolve("journal").toFile().list((d, n) -> n.endsWith(".cq4"));
        final List<String> out = new ArrayList<>(Arrays.asList(names == null ? new String[0] : names));
        out.sort(null);
        return out;
    }

    private List<String> pending(final Journal journal)
    {
        final List<String> out = new ArrayList<>();
        final Recovery r = RecoveryFixture.recovery(nowMs);
        final SnapshotStore.Snapshot from = r.run(journal, new Recovery.Sink()
        {
            @Override
            public void pending(final long id, final byte channel, final byte kind, final int attempts,
                final boolean uncertain)
            {
                out.add("pending " + id + " attempts=" + attempts);
            }

            @Override
            public void awaitingReceipt(final long id, final byte channel, final byte kind, final long at,
                final boolean uncertain)
            {
                out.add("awaiting " + id);
            }

            @Override
            public void deferred(final long id, final long dueAtMs, final long recipientKey, final long deadlineMs,
                final int tenantId, final byte kind, final byte channel, final boolean prepaid, final int consentOverride,
                final long campaignId)
            {
                out.add("deferred " + id);
            }
        }, new SnapshotStore(dir.resolve("snapshots")));
        out.add(from == null ? "full scan" : "from snapshot");
        return out;
    }

    @Test
    void shouldDeleteOnlyOldCyclesBelowTheOldestMessageStillOwedADispatch() throws Exception
    {
        nowMs = DAY0 + 1000;
        try (Journal journal = new Journal(dir.resolve("journal"), "FAST_DAILY", time))
        {
            final JournalWriter w = journal.newWriter(false);
            final long done = accept(w);
            state(w, done, DeliveryState.DELIVERED);
            nowMs = DAY0 + DAY + 1000;
            final long open = accept(w); // dispatched, outcome never journaled: owed a dispatch
            state(w, open, DeliveryState.DISPATCHED);
            nowMs = DAY0 + 2 * DAY + 1000;
            state(w, accept(w), DeliveryState.DELIVERED);
            nowMs = DAY0 + 5 * DAY + 1000;
            state(w, accept(w), DeliveryState.DELIVERED);
            assertThat(cycleFiles()).containsExactly("20231209F.cq4", "20231210F.cq4", "20231211F.cq4", "20231214F.cq4");
            final List<String> before = pending(journal);
            assertThat(before).containsExactly("pending " + open + " attempts=1", "full scan");

            final Snapshotter snapshotter = snapshotter(journal);
            assertThat(snapshotter.snapshotNow()).isNotNull();
            assertThat(snapshotter.retainNow()).isEqualTo(1);
            // day 0 went; day 1 holds the open message, so it and every later cycle stay
            assertThat(cycleFiles()).containsExactly("20231210F.cq4", "20231211F.cq4", "20231214F.cq4");
            assertThat(pending(journal)).containsExactly("pending " + open + " attempts=1", "from snapshot");
            final AcceptedRecord r = new AcceptedRecord();
            try (JournalReader reader = journal.newReader())
            {
                assertThat(reader.readAccepted(open, r)).as("the open message's body is still readable").isTrue();
                assertThat(reader.readAccepted(done, r)).isFalse();
            }

            // without a usable snapshot the start refuses to carry on quietly (what day 0 said would be lost)...
            final Path snapshots = dir.resolve("snapshots");
            final Path keep = Files.createDirectories(dir.resolve("kept"));
            try (var files = Files.list(snapshots))
            {
                for (final Path f : files.toList())
                {
                    Files.move(f, keep.resolve(f.getFileName()));
                }
            }
            assertThatThrownBy(() -> pending(journal)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("retention deleted old cycles").hasMessageContaining("journal.retained");
            assertThatThrownBy(snapshotter::snapshotNow).as("nor writes a snapshot that would hide the loss")
                .isInstanceOf(IllegalStateException.class);
            // ...unless the operator accepts it, by deleting the marker: then it scans what is left
            final Path marker = dir.resolve("journal.retained");
            final byte[] markerText = Files.readAllBytes(marker);
            Files.delete(marker);
            assertThat(pending(journal)).containsExactly("pending " + open + " attempts=1", "full scan");
            Files.write(marker, markerText);
            try (var files = Files.list(keep))
            {
                for (final Path f : files.toList())
                {
                    Files.move(f, snapshots.resolve(f.getFileName()));
                }
            }

            // the open message ends; two snapshots later neither kept snapshot needs day 1 or 2
            state(w, open, DeliveryState.DELIVERED);
            assertThat(snapshotter.snapshotNow()).isNotNull();
            nowMs += 1000;
            state(w, accept(w), DeliveryState.DELIVERED);
            assertThat(snapshotter.snapshotNow()).isNotNull();
            assertThat(snapshotter.retainNow()).isEqualTo(2);
            assertThat(cycleFiles()).containsExactly("20231214F.cq4");
            assertThat(pending(journal)).containsExactly("from snapshot");
            w.close();
        }
    }

    @Test
    void shouldKeepEverythingWhileAKeptSnapshotIsCorrupt() throws Exception
    {
        nowMs = DAY0 + 1000;
        try (Journal journal = new Journal(dir.resolve("journal"), "FAST_DAILY", time))
        {
            final JournalWriter w = journal.newWriter(false);
            state(w, accept(w), DeliveryState.DELIVERED);
            nowMs = DAY0 + 5 * DAY;
            state(w, accept(w), DeliveryState.DELIVERED);
            final Snapshotter snapshotter = snapshotter(journal);
            final SnapshotStore.Snapshot s = snapshotter.snapshotNow();
            java.nio.file.Files.write(s.file(), new byte[] {0}, java.nio.file.StandardOpenOption.APPEND);
            assertThat(snapshotter.retainNow()).isZero();
            assertThat(cycleFiles()).hasSize(2);
            w.close();
        }
    }
}
