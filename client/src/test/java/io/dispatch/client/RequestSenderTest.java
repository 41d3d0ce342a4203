package io.dispatch.client;

import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.FrameDescriptor;
import io.dispatch.protocol.MessageType;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class RequestSenderTest
{
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final AtomicInteger queued = new AtomicInteger();
    private final InFlightRequests inFlight = new InFlightRequests();
    private Channel gate;
    private final RequestSender sender = new RequestSender(16, queued, inFlight, () -> gate);

    @AfterEach
    void releaseFrames()
    {
        channel.finishAndReleaseAll();
    }

    @Test
    void shouldHoldRequestsWhileTheGateIsShutAndSpendOneCreditPerSubmitOnceOpen()
    {
        final List<FutureSubmitListener> submits = offerSubmits(3);
        sender.onSession(2, FrameDescriptor.DEFAULT_MAX_FRAME_LENGTH);

        assertThat(sender.flush()).isTrue();
        assertThat(frameTypes()).as("gate shut").isEmpty();

        gate = channel;
        sender.flush();

        assertThat(frameTypes()).containsExactly(MessageType.SUBMIT_BATCH);
        assertThat(sender.availableCredit()).isZero();
        assertThat(inFlight.size()).isEqualTo(2);
        assertThat(queued.get()).as("one still waits for credit").isEqualTo(1);

        sender.onCredit(5);
        sender.flush();

        assertThat(frameTypes()).containsExactly(MessageType.SUBMIT);
        assertThat(sender.availableCredit()).isEqualTo(4);
        assertThat(inFlight.size()).isEqualTo(3);
        assertThat(queued.get()).isZero();
        assertThat(submits).noneMatch(FutureSubmitListener::isDone);
    }

    @Test
    void shouldSendControlRequestsWithoutCredit()
    {
        gate = channel;
        sender.onSession(0, FrameDescriptor.DEFAULT_MAX_FRAME_LENGTH);
        sender.admit(new PingRequest(), Long.MAX_VALUE);
        offerSubmits(1);

        sender.flush();

        assertThat(frameTypes()).containsExactly(MessageType.PING);
        assertThat(sender.isEmpty()).as("the submit waits").isFalse();
    }

    @Test
    void shouldReadAnUnsetInitialCreditAsNoLimitAndKeepTheCreditOfALostConnectionAtZero()
    {
        sender.onSession(-1, -1);
        assertThat(sender.availableCredit()).isEqualTo(Integer.MAX_VALUE);

        sender.onConnectionLost();

        assertThat(sender.availableCredit()).isZero();
    }

    @Test
    void shouldFailEveryRequestAdmittedAfterARefusalAndGiveItsQueueSlotBack()
    {
        final DispatchException closed =
            new DispatchException(DispatchException.Kind.CLOSED, ErrorCode.INTERNAL, "closed");
        sender.refuse(closed);

        final List<FutureSubmitListener> submits = offerSubmits(2);

        assertThat(submits).allSatisfy(f -> assertThat(f.handle((x, e) -> e).join()).isSameAs(closed));
        assertThat(queued.get()).isZero();
        assertThat(sender.isEmpty()).isTrue();
    }

    @Test
    void shouldFailARequestAboveTheEnginesFrameCapLocally()
    {
        gate = channel;
        sender.onSession(10, FrameDescriptor.HEADER_LENGTH + 8);
        final FutureSubmitListener big = offerSubmits(1).get(0);

        sender.flush();

        assertThat(big.handle((x, e) -> e).join()).isInstanceOfSatisfying(DispatchException.class, e ->
            assertThat(e.code()).isEqualTo(ErrorCode.FRAME_TOO_LARGE));
        assertThat(sender.availableCredit()).isEqualTo(10);
    }

    @Test
    void shouldDeferAFlushCalledFromInsideItsOwnWriteInsteadOfSpendingCreditTwice()
    {
        // Netty fires writability changes from inside a write; the client flushes again from there
        final List<Boolean> nested = new ArrayList<>();
        channel.pipeline().addFirst(new ChannelOutboundHandlerAdapter()
        {
            @Override
            public void write(final ChannelHandlerContext ctx, final Object msg, final ChannelPromise promise)
            {
                nested.add(sender.flush());
                ctx.write(msg, promise);
            }
        });
        gate = channel;
        sender.onSession(2, FrameDescriptor.DEFAULT_MAX_FRAME_LENGTH);
        offerSubmits(4);

        sender.flush();

        assertThat(nested).containsExactly(false);
        assertThat(inFlight.size()).as("credit of 2 spent once").isEqualTo(2);
        assertThat(sender.availableCredit()).isZero();
        assertThat(frameTypes()).containsExactly(MessageType.SUBMIT_BATCH);
    }

    @Test
    void shouldTimeOutWaitingRequestsPastTheirDeadline()
    {
        final DispatchException timeout =
            new DispatchException(DispatchException.Kind.TIMEOUT, ErrorCode.INTERNAL, "timeout");
        queued.incrementAndGet();
        final FutureSubmitListener early = new FutureSubmitListener();
        sender.admit(new SubmitRequest(Submit.builder().to("a").text("hi").build(), early), 100);
        final List<FutureSubmitListener> late = offerSubmits(1);

        sender.expire(150, timeout);

        assertThat(early.handle((x, e) -> e).join()).isSameAs(timeout);
        assertThat(late.get(0)).isNotDone();
        assertThat(queued.get()).isEqualTo(1);
    }

    private List<FutureSubmitListener> offerSubmits(final int count)
    {
        final List<FutureSubmitListener> listeners = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            final FutureSubmitListener listener = new FutureSubmitListener();
            queued.incrementAndGet();
            sender.admit(new SubmitRequest(Submit.builder().to("0101234567" + i).text("hi").build(), listener),
                Long.MAX_VALUE);
            listeners.add(listener);
        }
        return listeners;
    }

    /** The type of every frame written since the last call (a buffer may hold several frames). */
    private List<Byte> frameTypes()
    {
        final List<Byte> types = new ArrayList<>();
        ByteBuf out;
        while ((out = channel.readOutbound()) != null)
        {
            try
            {
                while (out.isReadable())
                {
                    final int start = out.readerIndex();
                    final int length = out.getIntLE(start + FrameDescriptor.LENGTH_OFFSET);
                    types.add(out.getByte(start + FrameDescriptor.TYPE_OFFSET));
                    out.skipBytes(FrameDescriptor.LENGTH_FIELD_LENGTH + length);
                }
            }
            finally
            {
                out.release();
            }
        }
        return types;
    }
}
