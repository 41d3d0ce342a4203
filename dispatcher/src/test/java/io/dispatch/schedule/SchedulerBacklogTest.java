package io.dispatch.schedule;

import com.lmax.disruptor.RingBuffer;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.MessageKind;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.ring.RingPort;
import io.dispatch.status.CancelledCampaigns;
import io.dispatch.status.LaneAdmission;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many deferred messages at once: a million with one send-at (a campaign, the 08:00 release of a night's
 * marketing) fit in memory proportional to them and leave in id order; mixed due times leave in (due time, id)
 * order; a cancelled campaign's messages leave at once as CANCELs while the rest keep their due times.
 * The Agrona timer wheel this replaced grew all 4096 spokes to the fullest one and ran out of memory here.
 */
class SchedulerBacklogTest
{
    private static final long START_MS = 1_800_000_000_000L;
    private static final int RING_SIZE = 8192;

    private final long[] now = {START_MS};
    private final RingBuffer<DispatchEvent> ring = RingBuffer.createMultiProducer(DispatchEvent::new, RING_SIZE);
    private final CancelledCampaigns cancellations = new CancelledCampaigns();
    private final Scheduler scheduler;
    private long readUpTo = -1;

    SchedulerBacklogTest()
    {
        final LaneAdmission[] admissions = new LaneAdmission[4];
        admissions[ChannelType.SMS.code()] = new LaneAdmission(Long.MAX_VALUE / 2);
        scheduler = new Scheduler(new RingPort("scheduler", 0), admissions, () -> now[0], 1 << 16, cancellations);
        scheduler.ring(ring);
    }

    @Test
    void shouldRecoverAMillionMessagesDueAtOneInstantAndReleaseThemAllInIdOrder()
    {
        final int count = 1_000_000;
        final long due = START_MS + 60_000;
        for (int i = 0; i < count; i++)
        {
            final long id = 1 + (i * 7919L) % count; // every id 1..count once, out of order
            scheduler.recover(id, due, id, due + 3_600_000, 1, MessageKind.MARKETING.code(), ChannelType.SMS.code(),
                false, -1, 0);
        }
        assertThat(scheduler.pending()).isEqualTo(count);
        assertThat(scheduler.queueCapacity()).as("20 bytes a message, doubling: at most twice the messages")
            .isEqualTo(1 << 20);

        scheduler.doWork();
        assertThat(drain()).as("not due yet").isEmpty();

        now[0] = due;
        long expected = 1;
        int cycles = 0;
        while (expected <= count && cycles++ < count)
        {
            scheduler.doWork();
            for (final DispatchEvent e : drainEvents())
            {
                assertThat(e.type).isEqualTo(DispatchEvent.RELEASE);
                assertThat(e.messageId).isEqualTo(expected);
                assertThat(e.recipientKey).isEqualTo(expected);
                expected++;
            }
        }
        assertThat(expected).isEqualTo(count + 1L);
        scheduler.doWork();
        assertThat(scheduler.pending()).isZero();
        assertThat(scheduler.queueCapacity()).as("no growth while draining").isEqualTo(1 << 20);
    }

    @Test
    void shouldReleaseMixedDueTimesInDueTimeThenIdOrder()
    {
        // accepted in id order, with send-at times that do not follow it
        final long[][] deferrals = {
            {1, 300}, {2, 100}, {3, 200}, {4, 100}, {5, 300}, {6, 50}, {7, 200}, {8, 100}, {9, 50}, {10, 400}};
        for (final long[] d : deferrals)
        {
            defer(d[0], START_MS + d[1], 0);
        }

        final List<Long> released = new ArrayList<>();
        while (now[0] < START_MS + 400)
        {
            now[0]++;
            scheduler.doWork();
            released.addAll(drain());
        }
        assertThat(released).containsExactly(6L, 9L, 2L, 4L, 8L, 3L, 7L, 1L, 5L, 10L);
        assertThat(scheduler.pending()).isZero();
    }

    @Test
    void shouldEndACancelledCampaignsDeferredMessagesAtOnceAndKeepTheOthersDeferred()
    {
        final long due = START_MS + 3_600_000;
        for (long id = 1; id <= 20; id++)
        {
            defer(id, due - id, id % 2 == 0 ? 7 : 8);
        }
        scheduler.doWork();
        assertThat(drain()).isEmpty();

        cancellations.cancel(7, () -> -1);
        now[0] += 16;
        scheduler.doWork();

        final List<DispatchEvent> cancelled = drainEvents();
        assertThat(cancelled).extracting((e) -> e.messageId)
            .containsExactly(2L, 4L, 6L, 8L, 10L, 12L, 14L, 16L, 18L, 20L);
        assertThat(cancelled).allMatch((e) -> e.type == DispatchEvent.CANCEL && e.campaignId == 7);
        assertThat(scheduler.pending()).isEqualTo(10);

        now[0] = due - 10;
        scheduler.doWork();
        assertThat(drain()).as("campaign 8 keeps its due times").containsExactly(11L, 13L, 15L, 17L, 19L);
        now[0] = due;
        scheduler.doWork();
        assertThat(drain()).containsExactly(1L, 3L, 5L, 7L, 9L);
        assertThat(scheduler.pending()).isZero();
    }

    private void defer(final long messageId, final long dueAtMs, final long campaignId)
    {
        assertThat(scheduler.defer(messageId, dueAtMs, messageId, dueAtMs + 3_600_000, 1, MessageKind.MARKETING.code(),
            ChannelType.SMS.code(), false, -1, campaignId)).isTrue();
    }

    private List<Long> drain()
    {
        final List<Long> ids = new ArrayList<>();
        for (final DispatchEvent e : drainEvents())
        {
            ids.add(e.messageId);
        }
        return ids;
    }

    /** The events published since the last call; the ring has no consumers, so each is read before it wraps. */
    private List<DispatchEvent> drainEvents()
    {
        final List<DispatchEvent> events = new ArrayList<>();
        final long cursor = ring.getCursor();
        assertThat(cursor - readUpTo).as("read before the ring wraps").isLessThanOrEqualTo(RING_SIZE);
        for (long seq = readUpTo + 1; seq <= cursor; seq++)
        {
            events.add(ring.get(seq));
        }
        readUpTo = cursor;
        return events;
    }
}
