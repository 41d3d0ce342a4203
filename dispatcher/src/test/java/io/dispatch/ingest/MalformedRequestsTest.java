package io.dispatch.ingest;

import io.dispatch.ingest.EmbeddedSession.Frame;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.MessageType;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A malformed body of each request type the protocol's request flyweights validate, through the whole session on an
 * EmbeddedChannel: the answer is the code and detail ingest gave before the flyweights, a bad request leaves the
 * connection open with its credit back, and a bad HELLO is ERROR then close.
 */
class MalformedRequestsTest
{
    private final EmbeddedSession s = new EmbeddedSession(4, 1_000);

    @Test
    void shouldNackBrokenCancelAndStatusBodiesAndGiveTheirCreditBack()
    {
        final EmbeddedSession s = new EmbeddedSession(8, 1_000);
        s.hello();
        s.sendRaw(MessageType.CANCEL, 1, 0, 10, body(0, 1, 2, 3, 4, 5, 6, 7)); // by id: 7 id bytes
        s.sendRaw(MessageType.CANCEL, 1, 0, 11, body(1, 0));                   // by key: an empty key
        s.sendRaw(MessageType.CANCEL, 1, 0, 12, body(1, 3, 'a', 'b'));         // a key shorter than its length
        s.sendRaw(MessageType.CANCEL, 1, 0, 13, body(2, 0, 0, 0, 0, 0, 0, 0, 0)); // no such selector
        s.sendRaw(MessageType.STATUS, 1, 0, 14, new byte[9]);
        s.sendRaw(MessageType.STATUS, 1, 0, 15, new byte[0]);
        final List<Frame> answers = s.written();
        assertThat(answers).extracting(Frame::type).containsOnly(MessageType.NACK).hasSize(6);
        assertThat(answers).extracting(Frame::correlationId).containsExactly(10L, 11L, 12L, 13L, 14L, 15L);
        for (int i = 0; i < 4; i++)
        {
            assertThat(answers.get(i).nack().code()).isEqualTo(ErrorCode.MALFORMED_FRAME);
            assertThat(answers.get(i).nack().detail())
                .isEqualTo("CANCEL body: u8 0 + u64 messageId, or u8 1 + u8 key length + key");
        }
        assertThat(answers.get(4).nack().code()).isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(answers.get(5).nack().detail()).isEqualTo("STATUS body must be 8 bytes");
        assertThat(s.ring.getCursor()).as("nothing published").isEqualTo(-1);

        // a refused request costs nothing: the next grant gives the six credits back
        s.tick();
        final Frame credit = s.single();
        assertThat(credit.type()).isEqualTo(MessageType.CREDIT);
        assertThat(credit.credit().grant()).isEqualTo(6);
        assertThat(s.channel.isOpen()).isTrue();
    }

    @Test
    void shouldNackBrokenSubscriptionsWithInvalidField()
    {
        s.hello();
        s.sendRaw(MessageType.SUBSCRIBE, 1, 0, 30, new byte[0]);
        s.sendRaw(MessageType.SUBSCRIBE, 1, 0, 31, body(2, 0, 0, 0));
        s.sendRaw(MessageType.SUBSCRIBE, 1, 0, 32, withLong(body(0, 0, 0, 0), 5));
        s.sendRaw(MessageType.SUBSCRIBE, 1, 0, 33, withLong(body(1, 0, 0, 0), -2));
        s.sendRaw(MessageType.SUBSCRIBE_INBOUND, 1, 0, 34, new byte[4]);
        s.sendRaw(MessageType.SUBSCRIBE_INBOUND, 1, 0, 35, withLong(new byte[0], -3));
        final List<Frame> answers = s.written();
        assertThat(answers).extracting(Frame::type).containsOnly(MessageType.NACK).hasSize(6);
        assertThat(answers).extracting(f -> f.nack().code()).containsOnly(ErrorCode.INVALID_FIELD);
        assertThat(answers).extracting(f -> f.nack().detail()).containsExactly(
            "scope must be 0 (connection) or 1 (tenant)",
            "scope must be 0 (connection) or 1 (tenant)",
            "resumeAfter: only a scope 1 (tenant) subscription resumes",
            "resumeAfter: a RECEIPT's position, or 0 for the start",
            "SUBSCRIBE_INBOUND body: empty (from now) or u64 resumeAfter",
            "resumeAfter: an INBOUND position, or 0 for the start");
        assertThat(s.handler.proxy().hasReceipts()).as("no subscription placed").isFalse();
        assertThat(s.handler.proxy().hasInbound()).isFalse();

        s.sendRaw(MessageType.SUBSCRIBE, 1, 0, 36, body(1)); // a 1-byte body: every state
        assertThat(s.single().type()).isEqualTo(MessageType.OK);
        assertThat(s.channel.isOpen()).isTrue();
    }

    @Test
    void shouldCloseOnAHelloShorterThanItsFixedPart()
    {
        s.sendRaw(MessageType.HELLO, 1, 0, 1, body(1, 1, 0));
        assertFatal(ErrorCode.MALFORMED_FRAME, "HELLO body shorter than 4 bytes");
    }

    @Test
    void shouldCloseOnAHelloWhoseStringsRunPastTheBody()
    {
        s.sendRaw(MessageType.HELLO, 1, 0, 1, body(1, 1, 0, 0, 4, 's', 'h', 'o', 'p', 1, 'k'));
        assertFatal(ErrorCode.MALFORMED_FRAME, "HELLO truncated");
    }

    @Test
    void shouldCloseOnAHelloWithoutOurVersion()
    {
        s.sendRaw(MessageType.HELLO, 1, 0, 1, body(2, 3, 0, 0, 4, 's', 'h', 'o', 'p', 1, 'k', 0));
        assertFatal(ErrorCode.UNSUPPORTED_VERSION, "client speaks 2..3; this server speaks 1..1");
    }

    private void assertFatal(final ErrorCode code, final String detail)
    {
        final Frame error = s.single();
        assertThat(error.type()).isEqualTo(MessageType.ERROR);
        assertThat(error.correlationId()).isEqualTo(1);
        assertThat(error.nack().code()).isEqualTo(code);
        assertThat(error.nack().detail()).isEqualTo(detail);
        assertThat(s.channel.isOpen()).isFalse();
        assertThat(s.sessions.size()).as("never registered").isZero();
    }

    private static byte[] body(final int... bytes)
    {
        final byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++)
        {
            b[i] = (byte)bytes[i];
        }
        return b;
    }

    private static byte[] withLong(final byte[] head, final long value)
    {
        return ByteBuffer.allocate(head.length + 8).order(ByteOrder.LITTLE_ENDIAN).put(head).putLong(value).array();
    }
}
