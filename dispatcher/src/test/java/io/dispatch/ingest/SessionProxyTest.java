package io.dispatch.ingest;

import io.dispatch.protocol.AckFlyweight;
import io.dispatch.protocol.CancelResultFlyweight;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.Decision;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.ExplainResultFlyweight;
import io.dispatch.protocol.FrameDescriptor;
import io.dispatch.protocol.Frames;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.MessageType;
import io.dispatch.protocol.NackFlyweight;
import io.dispatch.protocol.ReceiptFlyweight;
import io.dispatch.protocol.StatusResultFlyweight;
import io.dispatch.ring.AnswerSink;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ring's side of a connection: each answer the stages offer comes out of the drain as the frame the client
 * reads, decoded here with the flyweights the client's FrameAdapter decodes with.
 */
class SessionProxyTest
{
    private final AtomicInteger drains = new AtomicInteger();
    private final SessionProxy proxy = new SessionProxy(drains::incrementAndGet);

    SessionProxyTest()
    {
        proxy.eventLoop(Runnable::run);
        proxy.openAnswers(64);
    }

    @Test
    void shouldWriteEveryAnswerTypeAsTheClientReadsIt()
    {
        final AnswerSink sink = proxy;
        final byte[] address = new byte[256];
        address[0] = 3;
        address[1] = '0';
        address[2] = '1';
        address[3] = '0';
        assertThat(sink.offerAck(1, 100, AckFlyweight.DUPLICATE)).isTrue();
        assertThat(sink.offerNack(2, ErrorCode.STATUS_EVICTED, "older".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(sink.offerOk(3)).isTrue();
        assertThat(sink.offerCancelResult(4, 101, CancelResultFlyweight.NOT_DEFERRED)).isTrue();
        assertThat(sink.offerStatusResult(5, 102, DeliveryState.DELIVERED.code(), 2, 14, 1_000L,
            ChannelType.SMS.code(), MessageKind.AUTH.code())).isTrue();
        assertThat(sink.offerExplain(6, Decision.DEFER.code(), ChannelType.CHAT.code(), true, (short)44, 2_000L,
            ChannelType.SMS.code() | Decision.SEND.code() << 8, address, 1 | 3 << 8, 3_000L)).isTrue();

        final List<UnsafeBuffer> frames = drainAnswers(6);

        final AckFlyweight ack = new AckFlyweight().wrap(frames.get(0), 0);
        assertThat(ack.type()).isEqualTo(MessageType.ACK);
        assertThat(ack.correlationId()).isEqualTo(1);
        assertThat(ack.messageId()).isEqualTo(100);
        assertThat(ack.outcome()).isEqualTo(AckFlyweight.DUPLICATE);

        final NackFlyweight nack = new NackFlyweight().wrap(frames.get(1), 0);
        assertThat(nack.type()).isEqualTo(MessageType.NACK);
        assertThat(nack.code()).isEqualTo(ErrorCode.STATUS_EVICTED);
        assertThat(nack.detail()).isEqualTo("older");

        assertThat(new AckFlyweight().wrap(frames.get(2), 0).type()).isEqualTo(MessageType.OK);
        assertThat(frames.get(2).capacity()).isEqualTo(FrameDescriptor.HEADER_LENGTH);

        final CancelResultFlyweight cancel = new CancelResultFlyweight().wrap(frames.get(3), 0);
        assertThat(cancel.correlationId()).isEqualTo(4);
        assertThat(cancel.messageId()).isEqualTo(101);
        assertThat(cancel.result()).isEqualTo(CancelResultFlyweight.NOT_DEFERRED);

        final StatusResultFlyweight status = new StatusResultFlyweight().wrap(frames.get(4), 0);
        assertThat(status.messageId()).isEqualTo(102);
        assertThat(status.state()).isEqualTo((int)DeliveryState.DELIVERED.code());
        assertThat(status.attempts()).isEqualTo(2);
        assertThat(status.reason()).isEqualTo(14);
        assertThat(status.updatedAtMs()).isEqualTo(1_000L);
        assertThat(status.channel()).isEqualTo((int)ChannelType.SMS.code());
        assertThat(status.kind()).isEqualTo((int)MessageKind.AUTH.code());

        final ExplainResultFlyweight explain = new ExplainResultFlyweight().wrap(frames.get(5), 0);
        assertThat(explain.decision()).isEqualTo((int)Decision.DEFER.code());
        assertThat(explain.channel()).isEqualTo((int)ChannelType.CHAT.code());
        assertThat(explain.priority()).isTrue();
        assertThat(explain.reason()).isEqualTo(44);
        assertThat(explain.at()).isEqualTo(2_000L);
        assertThat(explain.fallbackChannel()).isEqualTo((int)ChannelType.SMS.code());
        assertThat(explain.fallbackDecision()).isEqualTo((int)Decision.SEND.code());
        assertThat(explain.windowState()).isEqualTo(1);
        assertThat(explain.windowTag()).isEqualTo(3);
        assertThat(explain.windowLastMessageMs()).isEqualTo(3_000L);
        assertThat(explain.address()).isEqualTo("010");
    }

    @Test
    void shouldRouteOnlySubscribedStatesAndCountDropsWhenTheReceiptBufferIsFull()
    {
        assertThat(proxy.offerReceipt(1, DeliveryState.DELIVERED.code(), 1, 0, 5L, 1, 9L))
            .as("no subscription").isFalse();
        proxy.openReceipts(1);
        proxy.subscribe(AnswerSink.SCOPE_CONNECTION, Frames.stateMask(DeliveryState.DELIVERED));
        assertThat(proxy.offerReceipt(1, DeliveryState.DISPATCHED.code(), 1, 0, 5L, 1, 8L))
            .as("a state not asked for").isFalse();
        int offered = 0;
        while (proxy.takeDroppedReceipts() == 0)
        {
            assertThat(proxy.offerReceipt(offered, DeliveryState.DELIVERED.code(), 1, 0, 5L, 1, 9L + offered)).isTrue();
            offered++;
        }
        final ByteBuf out = Unpooled.buffer();
        final int written = proxy.drainReceipts(out, Integer.MAX_VALUE);
        assertThat(written).as("all but the dropped one").isEqualTo(offered - 1);
        final UnsafeBuffer first = new UnsafeBuffer(new byte[Frames.RECEIPT_FRAME_LENGTH]);
        out.getBytes(0, first.byteArray());
        final ReceiptFlyweight receipt = new ReceiptFlyweight().wrap(first, 0);
        assertThat(receipt.type()).isEqualTo(MessageType.RECEIPT);
        assertThat(receipt.messageId()).isZero();
        assertThat(receipt.state()).isEqualTo((int)DeliveryState.DELIVERED.code());
        assertThat(receipt.channel()).isEqualTo(1);
        assertThat(receipt.position()).isEqualTo(9L);
        out.release();
    }

    @Test
    void shouldAskTheEventLoopToDrainOncePerBatch()
    {
        assertThat(proxy.markTouched()).isTrue();
        assertThat(proxy.markTouched()).as("already in the batch's flush list").isFalse();
        proxy.flushTouched();
        assertThat(drains.get()).isEqualTo(1);
        proxy.scheduleDrain();
        assertThat(drains.get()).as("one drain pending at a time").isEqualTo(1);
        proxy.drainStarted();
        proxy.scheduleDrain();
        assertThat(drains.get()).isEqualTo(2);
        assertThat(proxy.markTouched()).as("a new batch").isTrue();
    }

    private List<UnsafeBuffer> drainAnswers(final int expected)
    {
        final ByteBuf out = Unpooled.buffer();
        assertThat(proxy.drainAnswers(out)).isEqualTo(expected);
        final List<UnsafeBuffer> frames = new ArrayList<>();
        while (out.isReadable())
        {
            final int length = out.getIntLE(out.readerIndex()) + FrameDescriptor.LENGTH_FIELD_LENGTH;
            final byte[] bytes = new byte[length];
            out.readBytes(bytes);
            frames.add(new UnsafeBuffer(bytes));
        }
        out.release();
        return frames;
    }
}
