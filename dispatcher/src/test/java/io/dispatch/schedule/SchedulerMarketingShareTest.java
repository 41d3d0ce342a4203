package io.dispatch.schedule;

import com.lmax.disruptor.RingBuffer;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.MessageKind;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.ring.MarketingShare;
import io.dispatch.ring.RingPort;
import io.dispatch.status.CancelledCampaigns;
import io.dispatch.status.LaneAdmission;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12, the ring bound for deferred marketing: a night's campaign messages all due at 08:00 enter the ring within
 * the marketing share ({@code ring.marketingSlots}) that clients' and campaigns' marketing take, in id order, while an
 * informational message due with them is released at once instead of waiting behind them.
 */
class SchedulerMarketingShareTest
{
    private static final long START_MS = 1_800_000_000_000L;
    private static final int SHARE = 8;
    private static final long CAMPAIGN = 77;

    private final long[] now = {START_MS};
    private final RingBuffer<DispatchEvent> ring = RingBuffer.createMultiProducer(DispatchEvent::new, 256);
    private final MarketingShare share = new MarketingShare(SHARE);
    private final Scheduler scheduler;

    SchedulerMarketingShareTest()
    {
        final LaneAdmission[] admissions = new LaneAdmission[4];
        admissions[ChannelType.SMS.code()] = new LaneAdmission(10_000, 20);
        scheduler = new Scheduler(new RingPort("scheduler", 0), admissions, () -> now[0], 1 << 16,
            new CancelledCampaigns(), share);
        scheduler.ring(ring);
    }

    @Test
    void shouldReleaseDueMarketingWithinTheShareInIdOrderAndInformationalPastIt()
    {
        final long due = START_MS + 1_000;
        for (long id = 100; id < 130; id++)
        {
            defer(id, due, MessageKind.MARKETING);
        }
        defer(200, due, MessageKind.INFORMATIONAL); // after all of them in id order
        assertThat(share.tryTake()).isTrue(); // a client's marketing SUBMIT holds one slot
        now[0] = due;
        scheduler.doWork();
        scheduler.doWork();

        final List<Long> first = released(0);
        assertThat(first).as("what the client left of the share, then the informational message past the rest")
            .containsExactly(100L, 101L, 102L, 103L, 104L, 105L, 106L, 200L);
        assertThat(share.held()).isEqualTo(SHARE);
        for (long s = 0; s <= ring.getCursor(); s++)
        {
            final DispatchEvent e = ring.get(s);
            assertThat(e.marketingSlot).as("RELEASE %d", e.messageId).isEqualTo(e.messageId != 200);
        }

        final long cursor = ring.getCursor();
        share.release(SHARE); // the ack stage passed them all (and the client's SUBMIT)
        now[0] += 16;
        scheduler.doWork();
        assertThat(released(cursor + 1)).as("the rest go on in id order as the share comes back")
            .containsExactly(107L, 108L, 109L, 110L, 111L, 112L, 113L, 114L);
        assertThat(scheduler.pending()).isEqualTo(30 - 7 - 8);
    }

    private void defer(final long messageId, final long dueAtMs, final MessageKind kind)
    {
        assertThat(scheduler.defer(messageId, dueAtMs, messageId, dueAtMs + 3_600_000, 1, kind.code(),
            ChannelType.SMS.code(), false, -1, kind == MessageKind.MARKETING ? CAMPAIGN : 0)).isTrue();
    }

    private List<Long> released(final long from)
    {
        final List<Long> ids = new ArrayList<>();
        for (long seq = from; seq <= ring.getCursor(); seq++)
        {
            ids.add(ring.get(seq).messageId);
        }
        return ids;
    }
}
