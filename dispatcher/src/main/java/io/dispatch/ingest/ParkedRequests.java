package io.dispatch.ingest;

import io.netty.buffer.ByteBuf;

import java.util.ArrayDeque;

/**
 * The requests of one connection that wait for room instead of being refused (docs/design/backpressure.md): the
 * request the lanes or the ring had no room for, and every frame read after it, in order. The connection stops
 * reading while any wait, so their number is bounded by what the client sent within its credit plus one socket
 * read. Event loop only. Holds the frames' references; {@link #releaseAll()} when the connection closes.
 */
final class ParkedRequests
{
    private ArrayDeque<ByteBuf> frames;
    /** The first item of the head SUBMIT_BATCH still to process (the ones before it were answered). */
    private int batchResumeAt;

    boolean isEmpty()
    {
        return frames == null || frames.isEmpty();
    }

    /**
     * Keeps a copy of {@code frame} and releases it: the frame is a view {@link FrameDecoder} reuses for the next
     * one. The queue is made on the first wait: none while there is room.
     */
    void add(final ByteBuf frame)
    {
        if (frames == null)
        {
            frames = new ArrayDeque<>();
        }
        frames.addLast(frame.copy());
        frame.release();
    }

    ByteBuf head()
    {
        return frames.peekFirst();
    }

    /** The head was answered: it is released, and the next frame starts at its first batch item. */
    void removeHead()
    {
        frames.pollFirst().release();
        batchResumeAt = 0;
    }

    int batchResumeAt()
    {
        return batchResumeAt;
    }

    /** The head SUBMIT_BATCH waits at this item. */
    void batchResumeAt(final int item)
    {
        batchResumeAt = item;
    }

    void releaseAll()
    {
        while (!isEmpty())
        {
            removeHead();
        }
    }
}
