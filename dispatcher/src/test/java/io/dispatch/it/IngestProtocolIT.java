package io.dispatch.it;

import io.dispatch.Dispatcher;
import io.dispatch.netty.ByteBufFrames;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.FrameDescriptor;
import io.dispatch.protocol.Frames;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.MessageType;
import io.dispatch.testing.EngineFixture;
import io.dispatch.testing.RawConnection;
import io.dispatch.testing.RawConnection.Frame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The binary protocol against a real engine over loopback TCP: happy paths and every kind of bad input. */
@Timeout(60)
class IngestProtocolIT
{
    @TempDir
    Path dir;
    private Dispatcher engine;

    @BeforeEach
    void start() throws Exception
    {
        engine = EngineFixture.launch(EngineFixture.settings(dir));
    }

    @AfterEach
    void stop()
    {
        engine.close();
    }

    @Test
    void shouldAckWithIncreasingJournalIdsAndReportReceiptsUntilDelivered() throws Exception
    {
        try (RawConnection c = RawConnection.open(engine.port(), "demo", "demo-key"))
        {
            c.send(b -> ByteBufFrames.subscribe(b, 1, Frames.SCOPE_CONNECTION));
            assertThat(c.read().type).isEqualTo(MessageType.OK);
            c.submit(10, MessageKind.INFORMATIONAL, ChannelType.SMS, "", "01012345678", "hello");
            c.submit(11, MessageKind.AUTH, ChannelType.PUSH, "", "token-1", "code 1234 인증");
            final List<Frame> acks = new ArrayList<>();
            final List<Frame> receipts = new ArrayList<>();
            while (receipts.stream().filter(r -> r.state() == DeliveryState.DELIVERED.code()).count() < 2)
            {
                final Frame f = c.read();
                (f.type == MessageType.ACK ? acks : receipts).add(f);
            }
            assertThat(acks).extracting(f -> f.correlationId).containsExactly(10L, 11L);
            assertThat(acks).allMatch(f -> f.ackOutcome() == Frames.ACK_ACCEPTED);
            assertThat(acks.get(1).messageId()).isGreaterThan(acks.get(0).messageId());
            final long first = acks.get(0).messageId();
            assertThat(receipts.stream().filter(r -> r.messageId() == first).map(Frame::state))
                .containsExactly((int)DeliveryState.DISPATCHED.code(), (int)DeliveryState.PROVIDER_ACCEPTED.code(),
                    (int)DeliveryState.DELIVERED.code());

            c.send(b -> ByteBufFrames.status(b, 12, first));
            final Frame status = c.read();
            assertThat(status.type).isEqualTo(MessageType.STATUS_RESULT);
            assertThat(status.state()).isEqualTo(DeliveryState.DELIVERED.code());
            assertThat(status.attempts()).isEqualTo(1);
        }
    }

    @Test
    void shouldReturnDuplicateWithOriginalIdForRepeatedKeyAndKeepTenantsApart() throws Exception
    {
        try (RawConnection c = RawConnection.open(engine.port(), "demo", "demo-key");
            RawConnection other = RawConnection.open(engine.port(), "other", "other-key"))
        {
            c.submit(1, MessageKind.INFORMATIONAL, ChannelType.SMS, "order-42", "01011112222", "paid");
            final Frame original = c.read();
            c.submit(2, MessageKind.INFORMATIONAL, ChannelType.SMS, "order-42", "01011112222", "paid again");
            final Frame duplicate = c.read();
            assertThat(original.ackOutcome()).isEqualTo(Frames.ACK_ACCEPTED);
            assertThat(duplicate.ackOutcome()).isEqualTo(Frames.ACK_DUPLICATE);
            assertThat(duplicate.messageId()).isEqualTo(original.messageId());

            other.submit(1, MessageKind.INFORMATIONAL, ChannelType.SMS, "order-42", "01011112222", "paid");
            final Frame otherTenant = other.read();
            assertThat(otherTenant.ackOutcome()).isEqualTo(Frames.ACK_ACCEPTED);
            assertThat(otherTenant.messageId()).isNotEqualTo(original.messageId());

            other.send(b -> ByteBufFrames.status(b, 2, original.messageId()));
            final Frame foreign = other.read();
            assertThat(foreign.type).isEqualTo(MessageType.NACK);
            assertThat(foreign.errorCode()).isEqualTo(ErrorCode.NOT_FOUND.code());
        }
    }

    @Test
    void shouldRenderTemplatesAndRejectUnknownTemplatesOrMissingVariables() throws Exception
    {
        try (RawConnection c = RawConnection.open(engine.port(), "demo", "demo-key"))
        {
            c.send(b -> RawConnection.submitFrame(b, 1, MessageKind.AUTH, ChannelType.SMS, "", "01033334444", "otp", "",
                Map.of("service", "Shop", "code", "123456")));
            assertThat(c.read().type).isEqualTo(MessageType.ACK);
            c.send(b -> RawConnection.submitFrame(b, 2, MessageKind.AUTH, ChannelType.SMS, "", "01033334444", "nope", "",
                Map.of()));
            final Frame unknown = c.read();
            assertThat(unknown.errorCode()).isEqualTo(ErrorCode.UNKNOWN_TEMPLATE.code());
            assertThat(unknown.detail()).isEqualTo("nope");
            c.send(b -> RawConnection.submitFrame(b, 3, MessageKind.AUTH, ChannelType.SMS, "", "01033334444", "otp", "",
                Map.of("service", "Shop")));
            final Frame missing = c.read();
            assertThat(missing.errorCode()).isEqualTo(ErrorCode.INVALID_FIELD.code());
            assertThat(missing.detail()).contains("code");
        }
    }

    @Test
    void shouldNackInvalidFieldsNamingTheFieldAndKeepTheConnection() throws Exception
    {
        try (RawConnection c = RawConnection.open(engine.port(), "demo", "demo-key"))
        {
            c.send(b ->
            {
                final int start = ByteBufFrames.beginFrame(b, MessageType.SUBMIT, 0, 5);
                ByteBufFrames.submitBody(b, MessageKind.MARKETING, ChannelType.SMS, 0, "", "010", null, "x", null);
                b.setByte(start + FrameDescriptor.HEADER_LENGTH, 9);
                ByteBufFrames.endFrame(b, start);
            });
            final Frame badKind = c.read();
            assertThat(badKind.type).isEqualTo(MessageType.NACK);
            assertThat(badKind.correlationId).isEqualTo(5);
            assertThat(badKind.errorCode()).isEqualTo(ErrorCode.INVALID_FIELD.code());
            assertThat(badKind.detail()).isEqualTo("kind");

            c.submit(6, MessageKind.INFORMATIONAL, ChannelType.SMS, "", "010", "");
            final Frame noText = c.read();
            assertThat(noText.errorCode()).isEqualTo(ErrorCode.INVALID_FIELD.code());
            assertThat(noText.detail()).contains("text");

            c.submit(7, MessageKind.INFORMATIONAL, ChannelType.SMS, "", "01000000000", "still served");
            assertThat(c.read().type).isEqualTo(MessageType.ACK);
            assertOtherConnectionsServed();
        }
    }

    @Test
    void shouldNackTruncatedSubmitBody() throws Exception
    {
        try (RawConnection c = RawConnection.open(engine.port(), "demo", "demo-key"))
        {
            c.send(b ->
            {
                final int start = ByteBufFrames.beginFrame(b, MessageType.SUBMIT, 0, 8);
                ByteBufFrames.submitBody(b, MessageKind.INFORMATIONAL, ChannelType.SMS, 0, "k", "01000000000", null, "hello", null);
                b.writerIndex(b.writerIndex() - 4);
                ByteBufFrames.endFrame(b, start);
            });
            final Frame f = c.read();
            assertThat(f.type).isEqualTo(MessageType.NACK);
            assertThat(f.errorCode()).isEqualTo(ErrorCode.MALFORMED_FRAME.code());
            c.submit(9, MessageKind.INFORMATIONAL, ChannelType.SMS, "", "01000000000", "next one");
            assertThat(c.read().type).isEqualTo(MessageType.ACK);
            assertOtherConnectionsServed();
        }
    }

    @Test
    void shouldAnswerUnknownTypeWithErrorAndKeepServing() throws Exception
    {
        try (RawConnection c = RawConnection.open(engine.port(), "demo", "demo-key"))
        {
            c.send(b -> ByteBufFrames.endFrame(b, ByteBufFrames.beginFrame(b, (byte)0x55, 0, 77)));
            final Frame f = c.read();
            assertThat(f.type).isEqualTo(MessageType.ERROR);
            assertThat(f.errorCode()).isEqualTo(ErrorCode.UNKNOWN_MESSAGE_TYPE.code());
            assertThat(f.correlationId).isEqualTo(77);
            c.send(b -> ByteBufFrames.ping(b, 78, 123));
            assertThat(c.read().type).isEqualTo(MessageType.PONG);
            assertOtherConnectionsServed();
        }
    }

    @Test
    void shouldRejectWrongVersionAndCloseWhileOthersKeepWorking() throws Exception
    {
        try (RawConnection good = RawConnection.open(engine.port(), "demo", "demo-key");
            RawConnection bad = RawConnection.open(engine.port(), "demo", "demo-key"))
        {
            bad.send(b ->
            {
                final int start = ByteBufFrames.beginFrame(b, MessageType.PING, 0, 3);
                b.setByte(start + FrameDescriptor.VERSION_OFFSET, 2);
                b.writeLongLE(0);
                ByteBufFrames.endFrame(b, start);
            });
            final Frame f = bad.read();
            assertThat(f.type).isEqualTo(MessageType.ERROR);
            assertThat(f.errorCode()).isEqualTo(ErrorCode.UNSUPPORTED_VERSION.code());
            assertThat(bad.awaitClosed(5_000)).isTrue();

            good.submit(1, MessageKind.INFORMATIONAL, ChannelType.SMS, "", "01000000000", "unaffected");
            assertThat(good.read().type).isEqualTo(MessageType.ACK);
        }
    }

    @Test
    void shouldRejectOversizedFrameAndClose() throws Exception
    {
        try (RawConnection c = RawConnection.open(engine.port(), "demo", "demo-key"))
        {
            final ByteBuf b = Unpooled.buffer();
            b.writeIntLE(FrameDescriptor.DEFAULT_MAX_FRAME_LENGTH + 10);
            b.writeByte(1).writeByte(MessageType.SUBMIT).writeShortLE(0).writeLongLE(1);
            c.sendBytes(b);
            final Frame f = c.read();
            assertThat(f.type).isEqualTo(MessageType.ERROR);
            assertThat(f.errorCode()).isEqualTo(ErrorCode.FRAME_TOO_LARGE.code());
            assertThat(c.awaitClosed(5_000)).isTrue();
            assertOtherConnectionsServed();
        }
    }

    @Test
    void shouldRefuseRequestsBeforeHelloAndWrongKeys() throws Exception
    {
        try (RawConnection c = new RawConnection(engine.port()))
        {
            c.submit(1, MessageKind.INFORMATIONAL, ChannelType.SMS, "", "01000000000", "too early");
            final Frame f = c.read();
            assertThat(f.type).isEqualTo(MessageType.ERROR);
            assertThat(f.errorCode()).isEqualTo(ErrorCode.NOT_AUTHENTICATED.code());
            c.send(b -> ByteBufFrames.hello(b, 2, "demo", "wrong", "t"));
            final Frame auth = c.read();
            assertThat(auth.errorCode()).isEqualTo(ErrorCode.AUTH_FAILED.code());
            assertThat(c.awaitClosed(5_000)).isTrue();
            assertOtherConnectionsServed();
        }
    }

    @Test
    void shouldReportPermanentRejectionAndRetriesThenDeadLetter() throws Exception
    {
        try (RawConnection c = RawConnection.open(engine.port(), "demo", "demo-key"))
        {
            c.send(b -> ByteBufFrames.subscribe(b, 1, Frames.SCOPE_CONNECTION));
            c.read();
            c.submit(2, MessageKind.INFORMATIONAL, ChannelType.SMS, "", "reject-010", "x");
            c.submit(3, MessageKind.INFORMATIONAL, ChannelType.SMS, "", "fail-010", "x");
            final List<Frame> terminal = new ArrayList<>();
            int retries = 0;
            while (terminal.size() < 2)
            {
                final Frame f = c.read();
                if (f.type == MessageType.RECEIPT)
                {
                    if (f.state() == DeliveryState.RETRYING.code())
                    {
                        retries++;
                    }
                    if (DeliveryState.of(f.state()).isTerminal())
                    {
                        terminal.add(f);
                    }
                }
            }
            assertThat(terminal).extracting(Frame::state)
                .containsExactlyInAnyOrder((int)DeliveryState.REJECTED.code(), (int)DeliveryState.FAILED.code());
            final Frame failed = terminal.stream().filter(f -> f.state() == DeliveryState.FAILED.code()).findFirst().get();
            assertThat(failed.reason()).isEqualTo(io.dispatch.protocol.Reason.RETRIES_EXHAUSTED.code());
            assertThat(failed.attempts()).isEqualTo(5);
            assertThat(retries).isEqualTo(4);
        }
    }

    @Test
    void shouldAnswerEverythingOwedBeforeGoodbyeAndThenClose() throws Exception
    {
        try (RawConnection c = RawConnection.open(engine.port(), "demo", "demo-key"))
        {
            for (int i = 0; i < 50; i++)
            {
                c.submit(100 + i, MessageKind.INFORMATIONAL, ChannelType.SMS, "", "0105555" + i, "bye " + i);
            }
            c.send(b -> ByteBufFrames.goodbye(b, 999, 0));
            final List<Long> acked = new ArrayList<>();
            Frame f;
            while ((f = c.read()).type == MessageType.ACK)
            {
                acked.add(f.correlationId);
            }
            assertThat(f.type).isEqualTo(MessageType.GOODBYE);
            assertThat(acked).hasSize(50).doesNotHaveDuplicates();
            assertThat(c.awaitClosed(5_000)).isTrue();
        }
    }

    /** Bad input on one connection must not affect anyone else: a fresh connection is served. */
    private void assertOtherConnectionsServed() throws Exception
    {
        try (RawConnection other = RawConnection.open(engine.port(), "demo", "demo-key"))
        {
            other.submit(4242, MessageKind.INFORMATIONAL, ChannelType.SMS, "", "01000004242", "still serving");
            final Frame f = other.read();
            assertThat(f.type).as("%s", f).isEqualTo(MessageType.ACK);
            assertThat(f.correlationId).isEqualTo(4242);
        }
    }
}
