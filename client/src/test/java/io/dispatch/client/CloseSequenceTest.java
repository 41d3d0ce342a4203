package io.dispatch.client;

import io.dispatch.protocol.FrameDescriptor;
import io.dispatch.protocol.MessageType;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class CloseSequenceTest
{
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final AtomicInteger steps = new AtomicInteger();

    @AfterEach
    void releaseFrames()
    {
        channel.finishAndReleaseAll();
    }

    @Test
    void shouldWriteGoodbyeOnlyOnceNothingWaitsThenEndWhenEveryAnswerIsIn()
    {
        final CloseSequence close = new CloseSequence(channel.eventLoop(), 10_000, steps::incrementAndGet);
        close.begin();

        assertThat(close.progress(channel, false, false)).isFalse();
        assertThat((Object)channel.readOutbound()).as("requests still waiting: no GOODBYE yet").isNull();
        assertThat(close.goodbyeStarted()).isFalse();

        assertThat(close.progress(channel, true, false)).as("answers still owed").isFalse();
        assertThat(close.goodbyeStarted()).isTrue();
        final ByteBuf goodbye = channel.readOutbound();
        try
        {
            assertThat(goodbye.getByte(goodbye.readerIndex() + FrameDescriptor.TYPE_OFFSET))
                .isEqualTo(MessageType.GOODBYE);
        }
        finally
        {
            goodbye.release();
        }
        assertThat(steps.get()).as("the write's completion is a step").isEqualTo(1);

        assertThat(close.progress(channel, true, true)).isTrue();
        assertThat((Object)channel.readOutbound()).as("GOODBYE once").isNull();
    }

    @Test
    void shouldEndWhenTheChannelIsGone()
    {
        final CloseSequence close = new CloseSequence(channel.eventLoop(), 10_000, steps::incrementAndGet);
        close.begin();

        assertThat(close.progress(null, false, false)).isTrue();
    }

    @Test
    void shouldEndAtTheDeadlineWithAnswersStillOwed()
    {
        channel.freezeTime();
        final CloseSequence close = new CloseSequence(channel.eventLoop(), 200, steps::incrementAndGet);
        close.begin();
        assertThat(close.progress(channel, false, false)).isFalse();

        channel.advanceTimeBy(200, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();

        assertThat(steps.get()).as("the deadline timer steps the close").isEqualTo(1);
        assertThat(close.progress(channel, false, false)).isTrue();
    }
}
