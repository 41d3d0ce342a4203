package io.dispatch.it;

import io.dispatch.Dispatcher;
import io.dispatch.HashKeyRunner;
import io.dispatch.netty.ByteBufFrames;
import io.dispatch.config.Settings;
import io.dispatch.protocol.CampaignFlyweight;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DirectoryOpWriter;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.FrameDescriptor;
import io.dispatch.protocol.Frames;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.MessageType;
import io.dispatch.testing.EngineFixture;
import io.dispatch.testing.RawConnection;
import io.dispatch.testing.RawConnection.Frame;
import io.dispatch.testing.TargetingFrames;
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

/**
 * What a client written from docs/protocol.md alone relies on, checked with raw frames over a real socket: one
 * test per rule a third-party client found the engine breaking (issue 13).
 */
@Timeout(60)
class ProtocolConformanceIT
{
    private static final long PING_PAYLOAD = 0x0123_4567_89AB_CDEFL;

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
    void shouldAnswerEveryItemOfABatchWhoseFramingIsLostAndReturnAllTheirCredit() throws Exception
    {
        try (RawConnection c = RawConnection.open(engine.port(), "demo", "demo-key"))
        {
            c.send(b ->
            {
                final int start = batchHeader(b, 10, 3);
                item(b, "b-0", "01000000010", "first");
                b.writeShortLE(500); // item 1 claims more bytes than the frame holds
                ByteBufFrames.submitBody(b, MessageKind.INFORMATIONAL, ChannelType.SMS, 0, "b-1", "01000000011", null,
                    "second", null);
                ByteBufFrames.endFrame(b, start);
            });
            c.send(b -> ByteBufFrames.ping(b, 99, PING_PAYLOAD));

            final List<Frame> answers = new ArrayList<>();
            int granted = 0;
            Frame f;
            while ((f = c.readAny()).type != MessageType.PONG)
            {
                if (f.type == MessageType.CREDIT)
                {
                    granted += f.credit();
                    assertThat(f.correlationId).as("CREDIT answers no request").isZero();
                }
                else
                {
                    answers.add(f);
                }
            }
            assertThat(answers).extracting(a -> a.type).containsOnly(MessageType.NACK);
            assertThat(answers).extracting(a -> a.correlationId).containsExactly(10L, 11L, 12L);
            assertThat(answers).extracting(Frame::errorCode).containsOnly(ErrorCode.MALFORMED_FRAME.code());
            while (granted < 3)
            {
                f = c.readAny();
                assertThat(f.type).as("%s", f).isEqualTo(MessageType.CREDIT);
                granted += f.credit();
            }
            assertThat(granted).as("each item's credit comes back").isEqualTo(3);
            assertNothingJournaledBefore(c, 20);
        }
    }

    @Test
    void shouldNackOnlyTheInvalidItemOfAWellFramedBatchAndTakeTheRest() throws Exception
    {
        try (RawConnection c = RawConnection.open(engine.port(), "demo", "demo-key"))
        {
            c.send(b ->
            {
                final int start = batchHeader(b, 30, 3);
                item(b, "v-0", "01000000030", "first");
                item(b, "v-1", "", "no recipient");
                item(b, "v-2", "01000000032", "third");
                ByteBufFrames.endFrame(b, start);
            });
            final List<Frame> answers = List.of(c.read(), c.read(), c.read());
            assertThat(answers).extracting(a -> a.correlationId).containsExactlyInAnyOrder(30L, 31L, 32L);
            for (final Frame a : answers)
            {
                assertThat(a.type).as("%s", a).isEqualTo(a.correlationId == 31 ? MessageType.NACK : MessageType.ACK);
            }
            assertThat(answers.stream().filter(a -> a.correlationId == 31).findFirst().get().detail())
                .isEqualTo("recipient");
        }
    }

    @Test
    void shouldRefuseEveryItemOfABatchWithTrailingBytesUnderItsOwnId() throws Exception
    {
        try (RawConnection c = RawConnection.open(engine.port(), "demo", "demo-key"))
        {
            c.send(b ->
            {
                final int start = batchHeader(b, 40, 2);
                item(b, "t-0", "01000000040", "first");
                item(b, "t-1", "01000000041", "second");
                b.writeByte(0);
                ByteBufFrames.endFrame(b, start);
            });
            c.send(b -> ByteBufFrames.ping(b, 99, PING_PAYLOAD));
            final List<Frame> answers = readUntilPong(c);
            assertThat(answers).extracting(a -> a.correlationId).as("no id outside 40..41").containsExactly(40L, 41L);
            assertThat(answers).extracting(Frame::errorCode).containsOnly(ErrorCode.MALFORMED_FRAME.code());
            assertNothingJournaledBefore(c, 50);
        }
    }

    @Test
    void shouldRefusePingBeforeHelloAndKeepTheConnectionForHello() throws Exception
    {
        try (RawConnection c = new RawConnection(engine.port()))
        {
            c.send(b -> ByteBufFrames.ping(b, 5, PING_PAYLOAD));
            final Frame refused = c.read();
            assertThat(refused.type).as("%s", refused).isEqualTo(MessageType.ERROR);
            assertThat(refused.errorCode()).isEqualTo(ErrorCode.NOT_AUTHENTICATED.code());
            assertThat(refused.correlationId).isEqualTo(5);

            c.send(b -> ByteBufFrames.hello(b, 6, "demo", "demo-key", "conformance"));
            assertThat(c.read().type).isEqualTo(MessageType.HELLO_OK);
            c.send(b -> ByteBufFrames.ping(b, 7, PING_PAYLOAD));
            assertThat(c.read().type).isEqualTo(MessageType.PONG);
        }
    }

    @Test
    void shouldSayGoodbyeAndCloseOnGoodbyeBeforeHello() throws Exception
    {
        try (RawConnection c = new RawConnection(engine.port()))
        {
            c.send(b -> ByteBufFrames.goodbye(b, 8, 0));
            final Frame f = c.read();
            assertThat(f.type).as("%s", f).isEqualTo(MessageType.GOODBYE);
            assertThat(c.awaitClosed(5_000)).isTrue();
        }
    }

    @Test
    void shouldSayGoodbyeAndCloseWithoutHelloOkWhenGoodbyeCrossesAKeyCheck() throws Exception
    {
        final Settings settings = EngineFixture.settings(dir.resolve("hashed"))
            .set("tenant.other.apiKey", HashKeyRunner.run("other-s3cret\n", "--iterations", "10000").get(0));
        try (Dispatcher hashed = EngineFixture.launch(settings);
            RawConnection c = new RawConnection(hashed.port()))
        {
            // one write: the GOODBYE is read while the key is being hashed off the event loop
            final ByteBuf both = Unpooled.buffer();
            ByteBufFrames.hello(both, 1, "other", "other-s3cret", "conformance");
            ByteBufFrames.goodbye(both, 2, 0);
            c.sendBytes(both);
            final List<Byte> types = new ArrayList<>();
            try
            {
                while (true)
                {
                    types.add(c.readAny().type);
                }
            }
            catch (final java.io.EOFException | java.net.SocketException ex)
            {
                // closed by the engine
            }
            assertThat(types).containsExactly(MessageType.GOODBYE);
        }
    }

    @Test
    void shouldRefuseAPingWhoseBodyIsNotEightBytes() throws Exception
    {
        try (RawConnection c = RawConnection.open(engine.port(), "demo", "demo-key"))
        {
            for (final int length : new int[] {0, 4, 12})
            {
                c.send(b ->
                {
                    final int start = ByteBufFrames.beginFrame(b, MessageType.PING, 0, 60 + length);
                    b.writeZero(length);
                    ByteBufFrames.endFrame(b, start);
                });
                final Frame f = c.read();
                assertThat(f.type).as("%d-byte body: %s", length, f).isEqualTo(MessageType.ERROR);
                assertThat(f.errorCode()).isEqualTo(ErrorCode.MALFORMED_FRAME.code());
                assertThat(f.correlationId).isEqualTo(60 + length);
            }
            c.send(b -> ByteBufFrames.ping(b, 70, PING_PAYLOAD));
            final Frame pong = c.read();
            assertThat(pong.type).as("the connection stays").isEqualTo(MessageType.PONG);
            assertThat(pong.pongPayload()).isEqualTo(PING_PAYLOAD);
        }
    }

    @Test
    void shouldRefuseFramesWithHeaderFlagsAndProcessNothingOfThem() throws Exception
    {
        try (RawConnection c = RawConnection.open(engine.port(), "demo", "demo-key"))
        {
            c.send(b ->
            {
                final int start = ByteBufFrames.beginFrame(b, MessageType.SUBMIT, 0x0004, 80);
                ByteBufFrames.submitBody(b, MessageKind.INFORMATIONAL, ChannelType.SMS, 0, "flagged", "01000000080", null,
                    "flagged", null);
                ByteBufFrames.endFrame(b, start);
            });
            final Frame f = c.read();
            assertThat(f.type).as("%s", f).isEqualTo(MessageType.ERROR);
            assertThat(f.errorCode()).isEqualTo(ErrorCode.UNSUPPORTED_FEATURE.code());
            assertThat(f.correlationId).isEqualTo(80);
            assertThat(f.detail()).contains("header flags must be 0");
            assertNothingJournaledBefore(c, 81);
        }
    }

    @Test
    void shouldNackInvalidUtf8NamingTheField() throws Exception
    {
        try (RawConnection c = RawConnection.open(engine.port(), "demo", "demo-key"))
        {
            // "hi" then a lone continuation byte: Java's decoder would journal it as U+FFFD
            c.send(b -> submitWithText(b, 90, new byte[] {'h', 'i', (byte)0x80}));
            final Frame f = c.read();
            assertThat(f.type).as("%s", f).isEqualTo(MessageType.NACK);
            assertThat(f.errorCode()).isEqualTo(ErrorCode.INVALID_FIELD.code());
            assertThat(f.detail()).isEqualTo("text: not valid UTF-8");

            c.send(b -> ByteBufFrames.consent(b, 91, 0, 1, 0, "01000000091", "form"));
            c.send(b ->
            {
                final int start = ByteBufFrames.beginFrame(b, MessageType.CONSENT, 0, 92);
                b.writeByte(0).writeByte(0).writeShortLE(1).writeShortLE(0);
                b.writeByte(11).writeBytes("01000000092".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                b.writeByte(2).writeByte(0xC3).writeByte(0x28);
                ByteBufFrames.endFrame(b, start);
            });
            final Frame first = c.read();
            final Frame second = c.read();
            final Frame ok = first.correlationId == 91 ? first : second;
            final Frame bad = first.correlationId == 92 ? first : second;
            assertThat(ok.type).as("%s", ok).isEqualTo(MessageType.OK);
            assertThat(bad.type).as("%s", bad).isEqualTo(MessageType.NACK);
            assertThat(bad.errorCode()).isEqualTo(ErrorCode.INVALID_FIELD.code());
            assertThat(bad.detail()).isEqualTo("source: not valid UTF-8");
            assertNothingJournaledBefore(c, 93);

            final byte[] badSubject = new DirectoryOpWriter().upsert("c").toBytes();
            badSubject[2] = (byte)0x80;
            final byte[] good = new DirectoryOpWriter().upsert("d").toBytes();
            c.send(b -> TargetingFrames.directoryUpdate(b, 94, List.of(badSubject, good)));
            final TargetingFrames.DirectoryResult result = TargetingFrames.DirectoryResult.of(c.read());
            assertThat(result.applied()).isEqualTo(1);
            assertThat(result.rejected()).containsExactly(Map.entry(0, "subject: not valid UTF-8"));

            c.send(b ->
            {
                final int start = b.writerIndex();
                TargetingFrames.campaign(b, 95, true, 0, 0, "x", "", new byte[] {ChannelType.SMS.code()},
                    "gender = 'F'", (int)ChannelType.SMS.code(), "promo");
                b.setByte(start + FrameDescriptor.HEADER_LENGTH + CampaignFlyweight.NAME_OFFSET + 1, 0xFF);
            });
            final Frame campaign = c.read();
            assertThat(campaign.type).as("%s", campaign).isEqualTo(MessageType.NACK);
            assertThat(campaign.errorCode()).isEqualTo(ErrorCode.INVALID_FIELD.code());
            assertThat(campaign.detail()).contains("not valid UTF-8");
        }
    }

    @Test
    void shouldNackAnInvalidSubscribeLikeEveryOtherRequest() throws Exception
    {
        try (RawConnection c = RawConnection.open(engine.port(), "demo", "demo-key"))
        {
            c.send(b -> ByteBufFrames.subscribe(b, 100, (byte)7));
            final Frame f = c.read();
            assertThat(f.type).as("%s", f).isEqualTo(MessageType.NACK);
            assertThat(f.errorCode()).isEqualTo(ErrorCode.INVALID_FIELD.code());
            assertThat(f.correlationId).isEqualTo(100);
            c.send(b -> ByteBufFrames.subscribe(b, 101, Frames.SCOPE_CONNECTION));
            assertThat(c.read().type).isEqualTo(MessageType.OK);
        }
    }

    @Test
    void shouldNeverAnswerAMessageIdOfMinusOne() throws Exception
    {
        try (RawConnection c = RawConnection.open(engine.port(), "demo", "demo-key"))
        {
            c.send(b -> ByteBufFrames.cancelByKey(b, 110, "never-used"));
            final Frame f = c.read();
            assertThat(f.type).as("%s", f).isEqualTo(MessageType.NACK);
            assertThat(f.errorCode()).isEqualTo(ErrorCode.NOT_FOUND.code());
            assertThat(f.correlationId).isEqualTo(110);
        }
    }

    @Test
    void shouldTellAnIdThatNeverExistedFromAnEvictedOne() throws Exception
    {
        try (RawConnection c = RawConnection.open(engine.port(), "demo", "demo-key"))
        {
            c.submit(120, MessageKind.INFORMATIONAL, ChannelType.SMS, "", "01000000120", "first");
            final Frame ack = c.read();
            assertThat(ack.type).as("%s", ack).isEqualTo(MessageType.ACK);
            final long first = ack.messageId();
            // the status table is direct-mapped (65536 slots in the fixture): this id shares the first message's slot
            final long beforeTheJournal = first - 65_536;
            c.send(b -> ByteBufFrames.status(b, 121, beforeTheJournal));
            c.send(b -> ByteBufFrames.status(b, 122, first + 1_000_000));
            c.send(b -> ByteBufFrames.status(b, 123, first));
            final List<Frame> answers = List.of(c.read(), c.read(), c.read());
            for (final Frame a : answers)
            {
                if (a.correlationId == 123)
                {
                    assertThat(a.type).as("%s", a).isEqualTo(MessageType.STATUS_RESULT);
                }
                else
                {
                    assertThat(a.type).as("%s", a).isEqualTo(MessageType.NACK);
                    assertThat(a.errorCode()).as("%s", a).isEqualTo(ErrorCode.NOT_FOUND.code());
                }
            }
        }
    }

    private static int batchHeader(final ByteBuf b, final long correlationId, final int count)
    {
        final int start = ByteBufFrames.beginFrame(b, MessageType.SUBMIT_BATCH, 0, correlationId);
        b.writeShortLE(count);
        b.writeShortLE(0);
        return start;
    }

    private static void item(final ByteBuf b, final String key, final String to, final String text)
    {
        final ByteBuf body = Unpooled.buffer();
        ByteBufFrames.submitBody(body, MessageKind.INFORMATIONAL, ChannelType.SMS, 0, key, to, null, text, null);
        b.writeShortLE(body.readableBytes());
        b.writeBytes(body);
    }

    private static void submitWithText(final ByteBuf b, final long correlationId, final byte[] text)
    {
        final int start = ByteBufFrames.beginFrame(b, MessageType.SUBMIT, 0, correlationId);
        b.writeByte(MessageKind.INFORMATIONAL.code()).writeByte(ChannelType.SMS.code()).writeShortLE(0);
        b.writeIntLE(0).writeLongLE(0);
        b.writeByte(0); // no key
        b.writeByte(11).writeBytes("01000000090".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        b.writeByte(0); // no template
        b.writeShortLE(text.length).writeBytes(text);
        b.writeByte(0);
        ByteBufFrames.endFrame(b, start);
    }

    private static List<Frame> readUntilPong(final RawConnection c) throws Exception
    {
        final List<Frame> frames = new ArrayList<>();
        Frame f;
        while ((f = c.read()).type != MessageType.PONG)
        {
            frames.add(f);
        }
        return frames;
    }

    /**
     * A marker SUBMIT: ACKs come in journal order, so if the refused frame had been journaled its ACK would come
     * first. The marker's ACK being the first ACK proves nothing of it was.
     */
    private static void assertNothingJournaledBefore(final RawConnection c, final long markerId) throws Exception
    {
        c.submit(markerId, MessageKind.INFORMATIONAL, ChannelType.SMS, "", "01000009999", "marker");
        Frame f;
        do
        {
            f = c.read();
        }
        while (f.type != MessageType.ACK);
        assertThat(f.correlationId).as("the first ACK is the marker's").isEqualTo(markerId);
    }
}
