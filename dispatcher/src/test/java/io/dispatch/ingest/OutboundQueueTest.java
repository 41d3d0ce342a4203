package io.dispatch.ingest;

import io.dispatch.protocol.FrameDescriptor;
import io.dispatch.protocol.Frames;
import io.dispatch.protocol.MessageType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The queue starts small, grows by use up to its capacity keeping frame order, and shrinks back when idle. */
class OutboundQueueTest
{
    private static final int RECORDS = 4096;
    /** 37 bytes, RECEIPT's size before it carried a position: the rounds below fill the queue past RECORDS with it. */
    private static final int FRAME = io.dispatch.protocol.FrameDescriptor.HEADER_LENGTH + 21;

    private final OutboundQueue queue = new OutboundQueue(RECORDS, FRAME);
    private long nextCorrelation = 1;

    @Test
    void shouldStartSmallAndGrowToItsCapacityInOrder()
    {
        assertThat(queue.capacityBytes()).isEqualTo(OutboundQueue.INITIAL_BYTES);
        int written = 0;
        while (offer())
        {
            written++;
        }
        assertThat(written).as("holds at least the frames it was sized for").isGreaterThanOrEqualTo(RECORDS);

        final List<Long> drained = drain(Integer.MAX_VALUE);
        assertThat(drained).hasSize(written);
        for (int i = 0; i < written; i++)
        {
            assertThat(drained.get(i)).isEqualTo(i + 1L);
        }
        assertThat(queue.capacityBytes()).isEqualTo(Integer.highestOneBit(RECORDS * (FRAME + 16) - 1) << 1);
        assertThat(queue.isEmpty()).isTrue();
    }

    @Test
    void shouldKeepOrderWhenTheConsumerDrainsWhileItGrows()
    {
        final List<Long> drained = new ArrayList<>();
        for (int round = 0; round < 30; round++)
        {
            for (int i = 0; i < 40 * round; i++)
            {
                assertThat(offer()).isTrue();
            }
            drained.addAll(drain(30 * round + 1));
        }
        drained.addAll(drain(Integer.MAX_VALUE));
        assertThat(drained).hasSize((int)nextCorrelation - 1);
        for (int i = 0; i < drained.size(); i++)
        {
            assertThat(drained.get(i)).isEqualTo(i + 1L);
        }
    }

    /** Frames of 48 bytes do not divide the buffer: some writes wrap after a padding record at its end. */
    @Test
    void shouldDrainEveryFrameWhenTheRecordsWrapAfterPadding()
    {
        for (int round = 0; round < 2000; round++)
        {
            final int count = round % 7 + 1;
            for (int i = 0; i < count; i++)
            {
                assertThat(offer()).isTrue();
            }
            assertThat(drain(Integer.MAX_VALUE)).as("round %d", round).hasSize(count);
        }
        assertThat(queue.capacityBytes()).as("never needed more").isEqualTo(OutboundQueue.INITIAL_BYTES);
    }

    @Test
    void shouldShrinkBackAfterBeingIdleAndGrowAgain()
    {
        for (int i = 0; i < 2000; i++)
        {
            assertThat(offer()).isTrue();
        }
        drain(Integer.MAX_VALUE);
        final int grown = queue.capacityBytes();
        assertThat(grown).isGreaterThan(OutboundQueue.INITIAL_BYTES);

        for (int i = 0; i < OutboundQueue.IDLE_TICKS_BEFORE_SHRINK - 1; i++)
        {
            queue.idleTick();
        }
        assertThat(offer()).isTrue();
        assertThat(drain(Integer.MAX_VALUE)).hasSize(1);
        assertThat(queue.capacityBytes()).as("a frame before the last idle tick keeps the size").isEqualTo(grown);

        for (int i = 0; i < OutboundQueue.IDLE_TICKS_BEFORE_SHRINK; i++)
        {
            queue.idleTick();
        }
        assertThat(offer()).isTrue();
        assertThat(drain(Integer.MAX_VALUE)).containsExactly(nextCorrelation - 1);
        assertThat(queue.capacityBytes()).isEqualTo(OutboundQueue.INITIAL_BYTES);

        for (int i = 0; i < 2000; i++)
        {
            assertThat(offer()).isTrue();
        }
        assertThat(drain(Integer.MAX_VALUE)).hasSize(2000);
        assertThat(queue.capacityBytes()).isEqualTo(grown);
    }

    /** A ring thread producing and an event loop consuming: resizes happen while the other side works. */
    @Test
    @org.junit.jupiter.api.Timeout(60)
    void shouldHandFramesOverInOrderAcrossThreads() throws Exception
    {
        final int total = 200_000;
        final Thread producer = new Thread(() ->
        {
            for (int i = 0; i < total; i++)
            {
                while (!offer())
                {
                    Thread.yield();
                }
                if (i % 20_000 == 0)
                {
                    // pauses let the consumer see an empty queue long enough to ask for a shrink
                    java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
                }
            }
        }, "producer");
        producer.start();
        long expected = 1;
        while (expected <= total)
        {
            final List<Long> ids = drain(500);
            for (final long id : ids)
            {
                assertThat(id).isEqualTo(expected++);
            }
            if (ids.isEmpty())
            {
                queue.idleTick();
                Thread.yield();
            }
        }
        producer.join();
        assertThat(queue.isEmpty()).isTrue();
    }

    private boolean offer()
    {
        final int index = queue.claimFrame(MessageType.RECEIPT, FRAME, nextCorrelation);
        if (index < 0)
        {
            return false;
        }
        queue.buffer().putLong(index + FrameDescriptor.HEADER_LENGTH, nextCorrelation * 10);
        queue.commit(index);
        nextCorrelation++;
        return true;
    }

    /** @return the correlation ids of the drained frames, checking each frame's body came along. */
    private List<Long> drain(final int limit)
    {
        final ByteBuf out = Unpooled.buffer();
        final int n = queue.drainTo(out, limit);
        final List<Long> ids = new ArrayList<>();
        while (out.isReadable())
        {
            final int start = out.readerIndex();
            final int length = out.getIntLE(start) + FrameDescriptor.LENGTH_FIELD_LENGTH;
            assertThat(length).isEqualTo(FRAME);
            final long id = out.getLongLE(start + FrameDescriptor.CORRELATION_ID_OFFSET);
            assertThat(out.getLongLE(start + FrameDescriptor.HEADER_LENGTH)).isEqualTo(id * 10);
            ids.add(id);
            out.skipBytes(length);
        }
        assertThat(ids).hasSize(n);
        return ids;
    }
}
