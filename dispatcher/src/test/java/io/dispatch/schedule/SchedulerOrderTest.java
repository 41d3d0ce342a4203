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
 * Messages due at the same instant are released in message id order, also in the case where the timer wheel the
 * scheduler used before fired them in another (a later-scheduled timer took a slot freed by an earlier rotation's
 * timer and fired first). And when the lane is full, the due messages wait and still leave in id order once it
 * has room.
 */
class SchedulerOrderTest
{
    private static final long START_MS = 1_800_000_000_000L;
    private static final long ROTATION_MS = 16 * 4096;

    private final long[] now = {START_MS};
    private final RingBuffer<DispatchEvent> ring = RingBuffer.createMultiProducer(DispatchEvent::new, 64);
    private final LaneAdmission sms = new LaneAdmission(100);
    private final Scheduler scheduler;

    SchedulerOrderTest()
    {
        final LaneAdmission[] admissions = new LaneAdmission[4];
        admissions[ChannelType.SMS.code()] = sms;
        scheduler = new Scheduler(new RingPort("scheduler", 0), admissions, () -> now[0], 1 << 16,
            new CancelledCampaigns());
        scheduler.ring(ring);
    }

    @Test
    void shouldReleaseMessagesDueTogetherInIdOrderWhateverSlotsTheWheelGaveThem()
    {
        final long due = START_MS + 1_000 + ROTATION_MS;
        defer(50, START_MS + 1_000); // same spoke of the wheel, one rotation earlier: slot 0
        defer(10, due); // slot 1
        runUntil(START_MS + 1_000 + 16);
        assertThat(released()).containsExactly(50L);
        defer(20, due); // accepted later, same send-at: takes the freed slot 0, so the wheel fires it first

        runUntil(due + 16);
        assertThat(released()).containsExactly(50L, 10L, 20L);
        assertThat(scheduler.pending()).isZero();
    }

    @Test
    void shouldKeepDueMessagesInIdOrderWhileTheLaneIsFull()
    {
        final long due = START_MS + 500;
        for (long id = 30; id > 20; id--)
        {
            defer(id, due);
        }
        for (int i = 0; i < 100; i++)
        {
            sms.forceAcquire(true);
        }
        runUntil(due + 16);
        assertThat(released()).as("held by the full lane").isEmpty();
        assertThat(scheduler.pending()).isEqualTo(10);

        sms.release(true);
        sms.release(true);
        now[0] += 16;
        scheduler.doWork();
        defer(5, now[0]); // due at once, accepted before all of them
        for (int i = 0; i < 10; i++)
        {
            sms.release(true);
        }
        now[0] += 16;
        scheduler.doWork();
        scheduler.doWork();
        assertThat(released()).containsExactly(21L, 22L, 5L, 23L, 24L, 25L, 26L, 27L, 28L, 29L, 30L);
    }

    private void defer(final long messageId, final long dueAtMs)
    {
        assertThat(scheduler.defer(messageId, dueAtMs, messageId, dueAtMs + 3_600_000, 1, MessageKind.INFORMATIONAL.code(),
            ChannelType.SMS.code(), false, -1, 0)).isTrue();
    }

    private void runUntil(final long atMs)
    {
        while (now[0] < atMs)
        {
            now[0] = Math.min(atMs, now[0] + 500);
            for (int i = 0; i < 3; i++)
            {
                scheduler.doWork();
            }
        }
    }

    private List<Long> released()
    {
        final List<Long> ids = new ArrayList<>();
        for (long seq = 0; seq <= ring.getCursor(); seq++)
        {
            ids.add(ring.get(seq).messageId);
        }
        return ids;
    }
}
