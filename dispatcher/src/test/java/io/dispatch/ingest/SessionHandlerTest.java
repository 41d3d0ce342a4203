package io.dispatch.ingest;

import io.dispatch.ingest.EmbeddedSession.Frame;
import io.dispatch.netty.ByteBufFrames;
import io.dispatch.protocol.AckFlyweight;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.FrameDescriptor;
import io.dispatch.protocol.Frames;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.MessageType;
import io.dispatch.protocol.PingFlyweight;
import io.dispatch.ring.AnswerSink;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.status.Counter;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The connection's event-loop side alone, on an EmbeddedChannel: HELLO, refusals with their codes, credit, each
 * request type reaching the ring (or the subscriptions), and requests waiting for room. The ring has no consumer:
 * the test answers as the stages would, through the slot's {@link AnswerSink}.
 */
class SessionHandlerTest
{
    private final EmbeddedSession s = new EmbeddedSession(4, 1_000);

    @Test
    void shouldAnswerHelloWithTheCreditWindowAndASessionReference()
    {
        final Frame ok = s.hello();
        assertThat(ok.type()).isEqualTo(MessageType.HELLO_OK);
        assertThat(ok.correlationId()).isEqualTo(1);
        assertThat(ok.bodyInt(4)).as("initial credit").isEqualTo(4);
        assertThat(ok.bodyInt(12)).as("session id").isEqualTo(s.handler.proxy().ref()).isPositive();
        assertThat(s.sessions.resolve(s.handler.proxy().ref())).isSameAs(s.handler.proxy());
    }

    @Test
    void shouldRefuseAWrongKeyAndClose()
    {
        s.send(out -> ByteBufFrames.hello(out, 1, "shop", "wrong", "test"));
        final Frame error = s.single();
        assertThat(error.type()).isEqualTo(MessageType.ERROR);
        assertThat(error.nack().code()).isEqualTo(ErrorCode.AUTH_FAILED);
        assertThat(s.channel.isOpen()).isFalse();
    }

    @Test
    void shouldRefuseARequestBeforeHello()
    {
        s.send(out -> ByteBufFrames.status(out, 5, 77));
        final Frame error = s.single();
        assertThat(error.type()).isEqualTo(MessageType.ERROR);
        assertThat(error.correlationId()).isEqualTo(5);
        assertThat(error.nack().code()).isEqualTo(ErrorCode.NOT_AUTHENTICATED);
        assertThat(s.ring.getCursor()).as("nothing published").isEqualTo(-1);
    }

    @Test
    void shouldAnswerBadFramesWithTheirCodes()
    {
        s.hello();
        s.sendRaw(MessageType.STATUS, 1, 0, 2, new byte[7]);
        s.sendRaw(MessageType.STATUS, 1, 4, 3, new byte[8]);
        s.sendRaw((byte)99, 1, 0, 4, new byte[0]);
        s.sendRaw(MessageType.CANCEL, 1, 0, 5, new byte[]{7});
        final List<Frame> answers = s.written();
        assertThat(answers).hasSize(4);
        assertThat(answers.get(0).type()).isEqualTo(MessageType.NACK);
        assertThat(answers.get(0).nack().code()).isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(answers.get(0).nack().detail()).isEqualTo("STATUS body must be 8 bytes");
        assertThat(answers.get(1).type()).isEqualTo(MessageType.ERROR);
        assertThat(answers.get(1).nack().code()).isEqualTo(ErrorCode.UNSUPPORTED_FEATURE);
        assertThat(answers.get(2).nack().code()).isEqualTo(ErrorCode.UNKNOWN_MESSAGE_TYPE);
        assertThat(answers.get(3).type()).isEqualTo(MessageType.NACK);
        assertThat(answers.get(3).nack().code()).isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(answers.get(3).correlationId()).isEqualTo(5);
        assertThat(s.ring.getCursor()).as("nothing published").isEqualTo(-1);
        assertThat(s.channel.isOpen()).as("a bad request is not a broken stream").isTrue();
    }

    @Test
    void shouldCloseOnAnUnsupportedFrameVersion()
    {
        s.hello();
        s.sendRaw(MessageType.STATUS, 2, 0, 9, new byte[8]);
        final Frame error = s.single();
        assertThat(error.nack().code()).isEqualTo(ErrorCode.UNSUPPORTED_VERSION);
        assertThat(s.channel.isOpen()).isFalse();
    }

    @Test
    void shouldPublishASubmitAndWriteTheAckTheRingOffers()
    {
        s.hello();
        s.send(out -> submit(out, 10, "key-1"));
        assertThat(s.ring.getCursor()).isZero();
        final DispatchEvent e = s.ring.get(0);
        assertThat(e.type).isEqualTo(DispatchEvent.SUBMIT);
        assertThat(e.correlationId).isEqualTo(10);
        assertThat(e.session).isSameAs(s.handler.proxy());
        assertThat(e.sessionRef).isEqualTo(s.handler.proxy().ref());
        assertThat(e.channel).isEqualTo(ChannelType.SMS.code());
        assertThat(s.written()).as("nothing before the ring answers").isEmpty();

        // the ack stage, on the ring thread
        assertThat(e.session.offerAck(e.correlationId, 500, AckFlyweight.ACCEPTED)).isTrue();
        assertThat(e.session.markTouched()).isTrue();
        e.session.flushTouched();

        final List<Frame> frames = s.written();
        assertThat(frames).extracting(Frame::type).containsExactly(MessageType.ACK, MessageType.CREDIT);
        final AckFlyweight ack = new AckFlyweight().wrap(frames.get(0).buffer(), 0);
        assertThat(ack.correlationId()).isEqualTo(10);
        assertThat(ack.messageId()).isEqualTo(500);
        assertThat(frames.get(1).credit().grant()).as("the ACK's credit back").isEqualTo(1);
    }

    @Test
    void shouldNackEveryRequestBeyondTheCreditWindow()
    {
        s.hello();
        s.send(out ->
        {
            for (int i = 0; i < 5; i++)
            {
                ByteBufFrames.status(out, 20 + i, 1);
            }
        });
        assertThat(s.ring.getCursor()).as("four credits, four requests").isEqualTo(3);
        final Frame nack = s.single();
        assertThat(nack.correlationId()).isEqualTo(24);
        assertThat(nack.nack().code()).isEqualTo(ErrorCode.CREDIT_EXCEEDED);
    }

    @Test
    void shouldGiveTheCreditOfARefusedSubmitBack()
    {
        s.hello();
        s.send(out -> submit(out, 30, "key-1", "no-such-template"));
        final List<Frame> frames = s.written();
        assertThat(frames).extracting(Frame::type).containsExactly(MessageType.NACK);
        assertThat(frames.get(0).nack().code()).isEqualTo(ErrorCode.UNKNOWN_TEMPLATE);
        assertThat(frames.get(0).nack().detail()).isEqualTo("no-such-template");
        assertThat(s.ring.getCursor()).as("nothing published").isEqualTo(-1);
        assertThat(s.counters.get(Counter.SUBMITS_NACKED)).isEqualTo(1);
        // owed, and granted on the next write or tick
        s.tick();
        final Frame credit = s.single();
        assertThat(credit.type()).isEqualTo(MessageType.CREDIT);
        assertThat(credit.credit().grant()).isEqualTo(1);
    }

    @Test
    void shouldPublishCancelStatusAndConsentWithTheirFields()
    {
        s.hello();
        s.send(out ->
        {
            ByteBufFrames.cancel(out, 40, 1234);
            ByteBufFrames.cancelByKey(out, 41, "order-9");
            ByteBufFrames.status(out, 42, 5678);
            ByteBufFrames.consent(out, 43, 0, 1, 0, "+821012345678", "signup");
        });
        assertThat(s.written()).isEmpty();
        assertThat(s.ring.getCursor()).isEqualTo(3);
        final DispatchEvent byId = s.ring.get(0);
        assertThat(byId.type).isEqualTo(DispatchEvent.CANCEL);
        assertThat(byId.messageId).isEqualTo(1234);
        final DispatchEvent byKey = s.ring.get(1);
        assertThat(byKey.messageId).isEqualTo(-1);
        assertThat(new String(byKey.body, 0, byKey.bodyLength, java.nio.charset.StandardCharsets.UTF_8))
            .isEqualTo("order-9");
        final DispatchEvent status = s.ring.get(2);
        assertThat(status.type).isEqualTo(DispatchEvent.STATUS_QUERY);
        assertThat(status.messageId).isEqualTo(5678);
        final DispatchEvent consent = s.ring.get(3);
        assertThat(consent.type).isEqualTo(DispatchEvent.CONSENT);
        for (long sequence = 0; sequence <= 3; sequence++)
        {
            final DispatchEvent e = s.ring.get(sequence);
            assertThat(e.session).isSameAs(s.handler.proxy());
            assertThat(e.correlationId).isEqualTo(40 + sequence);
        }
    }

    @Test
    void shouldSubscribeAndRefuseABadScopeWithoutTakingCredit()
    {
        s.hello();
        s.send(out ->
        {
            ByteBufFrames.subscribe(out, 50, (byte)7);
            ByteBufFrames.subscribe(out, 51, Frames.SCOPE_TENANT);
        });
        final List<Frame> frames = s.written();
        assertThat(frames).extracting(Frame::type).containsExactly(MessageType.NACK, MessageType.OK);
        assertThat(frames.get(0).nack().code()).isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(s.handler.proxy().subscriptionScope()).isEqualTo(AnswerSink.SCOPE_TENANT);
        assertThat(s.sessions.tenantSubscribers()).containsExactly(s.handler.proxy());
        assertThat(s.counters.get(Counter.SUBMITS_NACKED)).as("a refused SUBSCRIBE is no refused SUBMIT").isZero();
    }

    @Test
    void shouldParkARequestThatFindsNoRoomAndReplayItInOrderOnceThereIs()
    {
        final EmbeddedSession full = new EmbeddedSession(4, 1);
        full.hello();
        full.send(out ->
        {
            submit(out, 60, "a");
            submit(out, 61, "b");
            ByteBufFrames.status(out, 62, 1);
        });
        assertThat(full.ring.getCursor()).as("the second SUBMIT found the lane full; the STATUS waits behind it")
            .isZero();
        assertThat(full.channel.config().isAutoRead()).isFalse();
        assertThat(full.written()).as("waiting, not refused").isEmpty();

        full.sms.release(true); // the lane sent the first message
        full.tick();
        assertThat(full.ring.getCursor()).isEqualTo(2);
        assertThat(full.ring.get(1).correlationId).isEqualTo(61);
        assertThat(full.ring.get(2).type).isEqualTo(DispatchEvent.STATUS_QUERY);
        assertThat(full.channel.config().isAutoRead()).isTrue();
    }

    @Test
    void shouldTickOnlyWhileARequestWaits()
    {
        final EmbeddedSession full = new EmbeddedSession(4, 1);
        full.hello();
        assertThat(full.handler.ticking()).as("an idle session has no timer").isFalse();
        assertThat(full.channel.runScheduledPendingTasks()).as("nothing scheduled at all").isEqualTo(-1);

        full.send(out ->
        {
            submit(out, 60, "a");
            submit(out, 61, "b");
        });
        assertThat(full.handler.ticking()).as("the second SUBMIT waits for the lane").isTrue();
        full.tick();
        assertThat(full.handler.ticking()).as("still waiting").isTrue();

        full.sms.release(true);
        full.tick();
        assertThat(full.ring.get(1).correlationId).isEqualTo(61);
        assertThat(full.handler.ticking()).as("nothing waits any more").isFalse();
        assertThat(full.channel.runScheduledPendingTasks()).isEqualTo(-1);
    }

    @Test
    void shouldSayGoodbyeOnlyOnceEveryAnswerOwedIsWritten()
    {
        s.hello();
        s.send(out ->
        {
            ByteBufFrames.status(out, 70, 1);
            ByteBufFrames.goodbye(out, 71, 0);
        });
        assertThat(s.written()).as("the STATUS is still owed").isEmpty();
        final AnswerSink sink = s.ring.get(0).session;
        sink.offerNack(70, ErrorCode.NOT_FOUND, "no such message".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        sink.flushTouched();
        assertThat(s.written()).extracting(Frame::type).containsExactly(MessageType.NACK, MessageType.GOODBYE);
        assertThat(s.channel.isOpen()).isFalse();
    }

    @Test
    void shouldHandASubmitToTheClusterIntakeAndWriteItsAnswer()
    {
        final List<DispatchEvent> taken = new java.util.ArrayList<>();
        s.context.intake((session, correlationId, e) ->
        {
            taken.add(e);
            assertThat(e.type).isEqualTo(DispatchEvent.SUBMIT);
            assertThat(e.session).isSameAs(s.handler.proxy());
            session.answerTaken(correlationId, 900, null, null); // answers at once, on the event loop
        });
        s.hello();
        s.send(out ->
        {
            submit(out, 80, "key-1");
            ByteBufFrames.goodbye(out, 81, 0);
        });
        assertThat(taken).hasSize(1);
        assertThat(s.ring.getCursor()).as("not in the local ring").isEqualTo(-1);
        final List<Frame> frames = s.written();
        assertThat(frames).extracting(Frame::type)
            .containsExactly(MessageType.ACK, MessageType.CREDIT, MessageType.GOODBYE);
        final AckFlyweight ack = new AckFlyweight().wrap(frames.get(0).buffer(), 0);
        assertThat(ack.correlationId()).isEqualTo(80);
        assertThat(ack.messageId()).isEqualTo(900);
        assertThat(ack.outcome()).isEqualTo(AckFlyweight.ACCEPTED);
        assertThat(s.counters.get(Counter.ACKED)).isEqualTo(1);
    }

    @Test
    void shouldEchoAPingsPayloadAndRefuseABodyThatIsNot8Bytes()
    {
        s.hello();
        s.send(out -> ByteBufFrames.ping(out, 7, 0x0123_4567_89AB_CDEFL));
        final Frame pong = s.single();
        assertThat(pong.type()).isEqualTo(MessageType.PONG);
        assertThat(pong.correlationId()).isEqualTo(7);
        assertThat(new PingFlyweight().wrap(pong.buffer(), FrameDescriptor.HEADER_LENGTH, PingFlyweight.BODY_LENGTH)
            .payload()).isEqualTo(0x0123_4567_89AB_CDEFL);

        s.sendRaw(MessageType.PING, 1, 0, 8, new byte[7]);
        final Frame error = s.single();
        assertThat(error.type()).isEqualTo(MessageType.ERROR);
        assertThat(error.correlationId()).isEqualTo(8);
        assertThat(error.nack().code()).isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(error.nack().detail()).isEqualTo("PING body must be 8 bytes (u64 payload), got 7");
        assertThat(s.channel.isOpen()).as("the connection stays").isTrue();
    }

    @Test
    void shouldPublishEachItemOfASubmitBatchWithItsOwnCorrelationId()
    {
        s.hello();
        s.send(out ->
        {
            final int start = ByteBufFrames.beginSubmitBatch(out, 20, 2);
            for (final String key : new String[] {"key-a", "key-b"})
            {
                final int item = ByteBufFrames.beginBatchItem(out);
                ByteBufFrames.submitBody(out, MessageKind.INFORMATIONAL, ChannelType.SMS, 60, key, "+821012345678", "",
                    "hi", null);
                ByteBufFrames.endBatchItem(out, item);
            }
            ByteBufFrames.endFrame(out, start);
        });
        assertThat(s.ring.getCursor()).as("both items published").isEqualTo(1);
        assertThat(s.ring.get(0).correlationId).isEqualTo(20);
        assertThat(s.ring.get(1).correlationId).isEqualTo(21);
        assertThat(s.written()).as("nothing before the ring answers").isEmpty();
    }

    @Test
    void shouldNackEveryItemOfABatchWhoseFramingIsBrokenAndPublishNone()
    {
        s.hello();
        // count 2, reserved; item 0: 3 bytes; item 1 says 5 bytes, the frame ends after 0
        s.sendRaw(MessageType.SUBMIT_BATCH, 1, 0, 30, new byte[] {2, 0, 0, 0, 3, 0, 1, 2, 3, 5, 0});
        final List<Frame> frames = s.written();
        assertThat(frames).extracting(Frame::type).startsWith(MessageType.NACK, MessageType.NACK);
        assertThat(frames).extracting(Frame::correlationId).startsWith(30L, 31L);
        assertThat(frames.get(1).nack().code()).isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(frames.get(1).nack().detail())
            .isEqualTo("SUBMIT_BATCH item 1 runs past the frame; no item of the batch processed");
        assertThat(s.ring.getCursor()).as("nothing published").isEqualTo(-1);

        s.sendRaw(MessageType.SUBMIT_BATCH, 1, 0, 40, new byte[] {0, 0, 0, 0});
        final Frame header = s.single();
        assertThat(header.correlationId()).as("one NACK: no item can be named").isEqualTo(40);
        assertThat(header.nack().detail()).isEqualTo("SUBMIT_BATCH count 0 outside 1..1024");
    }

    private static void submit(final ByteBuf out, final long correlationId, final String key)
    {
        submit(out, correlationId, key, "");
    }

    private static void submit(final ByteBuf out, final long correlationId, final String key, final String template)
    {
        final int start = ByteBufFrames.beginFrame(out, MessageType.SUBMIT, 0, correlationId);
        ByteBufFrames.submitBody(out, MessageKind.INFORMATIONAL, ChannelType.SMS, 60, key, "+821012345678", template,
            template.isEmpty() ? "hi" : "", null);
        ByteBufFrames.endFrame(out, start);
    }
}
