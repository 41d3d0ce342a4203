package io.dispatch.fuzz;

import io.dispatch.netty.ByteBufFrames;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DirectoryOpWriter;
import io.dispatch.protocol.FrameDescriptor;
import io.dispatch.protocol.Frames;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.MessageType;
import io.dispatch.testing.RawConnection;
import io.dispatch.testing.TargetingFrames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the seed corpus of {@link IngestFuzzTest} (one well-formed request of every type, in the
 * {@link FrameStream} layout, plus framing edge cases), encoded by the real client encoders. Run from the
 * project root: {@code java -cp ... io.dispatch.fuzz.IngestSeeds dispatcher/src/test/resources/io/dispatch/fuzz/IngestFuzzTestInputs/frames}.
 */
public final class IngestSeeds
{
    private IngestSeeds()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        final Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        write(dir, "submit-sms", structured(b -> RawConnection.submitFrame(b, 1, MessageKind.INFORMATIONAL, ChannelType.SMS,
            "k1", "+821012345678", null, "hello", null)));
        final Map<String, String> vars = new LinkedHashMap<>();
        vars.put("service", "shop");
        vars.put("code", "123456");
        write(dir, "submit-template", structured(b -> RawConnection.submitFrame(b, 1, MessageKind.AUTH,
            ChannelType.SMS, "k2", "+821012345678", "otp", null, vars)));
        write(dir, "submit-marketing-push", structured(b -> RawConnection.submitFrame(b, 1, MessageKind.MARKETING,
            ChannelType.PUSH, "k3", "fcm:token-1", null, "(광고) sale", null)));
        write(dir, "submit-explain", structured(b ->
        {
            final int start = ByteBufFrames.beginFrame(b, MessageType.SUBMIT, 0, 1);
            final int body = b.writerIndex();
            ByteBufFrames.submitBody(b, MessageKind.INFORMATIONAL, ChannelType.CHAT, 60, "k4", "chat-key", null, "hi", null);
            b.setShortLE(body + 2, 1); // dry run
            ByteBufFrames.endFrame(b, start);
        }));
        write(dir, "submit-batch", structured(b ->
        {
            final int start = ByteBufFrames.beginFrame(b, MessageType.SUBMIT_BATCH, 0, 1);
            b.writeShortLE(2);
            b.writeShortLE(0);
            for (int i = 0; i < 2; i++)
            {
                final int at = b.writerIndex();
                b.writeShortLE(0);
                final int n = ByteBufFrames.submitBody(b, MessageKind.INFORMATIONAL, ChannelType.SMS, 0, "b" + i,
                    "+82101234567" + i, null, "batch " + i, null);
                b.setShortLE(at, n);
            }
            ByteBufFrames.endFrame(b, start);
        }));
        write(dir, "status", structured(b -> ByteBufFrames.status(b, 1, 1L)));
        write(dir, "subscribe", structured(b -> ByteBufFrames.subscribe(b, 1, Frames.SCOPE_TENANT, 0x3)));
        write(dir, "cancel-by-id", structured(b -> ByteBufFrames.cancel(b, 1, 1L)));
        write(dir, "cancel-by-key", structured(b -> ByteBufFrames.cancelByKey(b, 1, "k1")));
        write(dir, "consent", structured(b -> ByteBufFrames.consent(b, 1, 1, 1, 4, "+821012345678", "signup-form")));
        final DirectoryOpWriter w = new DirectoryOpWriter();
        final byte[] upsert = w.upsert("r1").string("gender", "f").integer("birth_year", 1990).string("region", "서울")
            .time("last_visit", 1_795_000_000_000L).addTag("vip").string("phone", "+821012345678")
            .pushToken("fcm", "token-1").consentField("sms", 1, 0, 1_795_000_000_000L, "form").toBytes();
        final byte[] patch = w.patch("r1").removeTag("vip").unset("region").toBytes();
        final byte[] consent = w.consent("r1", 1, 1, 2, 1_795_000_000_000L, "src").toBytes();
        final byte[] optOut = w.optOut("0800", "+821012345678", false, 1_795_000_000_000L, "080").toBytes();
        final byte[] invalidate = w.invalidateToken("fcm", "token-1").toBytes();
        final byte[] delete = w.delete("r1").toBytes();
        write(dir, "directory-update", structured(b -> TargetingFrames.directoryUpdate(b, 1,
            List.of(upsert, patch, consent, optOut, invalidate, delete))));
        write(dir, "campaign-dry-run", structured(b -> TargetingFrames.campaign(b, 1, true, 100, 0L, "spring",
            "0800", new byte[] {1, 2}, "region = '서울' and birth_year between 1980 and 1999 and tag('vip')",
            1, "otp")));
        write(dir, "campaign-control", structured(b -> TargetingFrames.control(b, 1, 1L, (byte)1)));
        write(dir, "campaign-stats", structured(b -> TargetingFrames.stats(b, 1, 0L, "spring")));
        write(dir, "goodbye", structured(b -> ByteBufFrames.goodbye(b, 1, 0)));
        write(dir, "ping", structured(b -> ByteBufFrames.ping(b, 1, 42L)));
        write(dir, "unknown-type", new byte[] {0, 0x6A, 1, 0, 0});
        write(dir, "unauthenticated-submit", withSwitches(FrameStream.NO_HELLO,
            structured(b -> RawConnection.submitFrame(b, 1, MessageKind.INFORMATIONAL, ChannelType.SMS, "k5",
                "+821012345678", null, "who am I", null))));
        write(dir, "raw-short-frame", new byte[] {FrameStream.RAW, 4, 0, 0, 0, 1, 0x10, 0, 0});
        write(dir, "raw-bad-version", raw(b -> b.writeIntLE(12).writeByte(9).writeByte(MessageType.PING).writeShortLE(0)
            .writeLongLE(1)));
        write(dir, "raw-too-long", raw(b -> b.writeIntLE(Integer.MAX_VALUE).writeLongLE(0)));
        write(dir, "raw-negative-length", raw(b -> b.writeIntLE(-1).writeLongLE(0)));
    }

    private interface FrameWriter
    {
        void write(ByteBuf b);
    }

    private static byte[] structured(final FrameWriter writer)
    {
        final ByteBuf frame = Unpooled.buffer();
        writer.write(frame);
        final ByteBuf input = Unpooled.buffer();
        input.writeByte(0);
        FrameStream.entry(input, frame.getByte(FrameDescriptor.TYPE_OFFSET), frame);
        return bytes(input);
    }

    private static byte[] raw(final FrameWriter writer)
    {
        final ByteBuf input = Unpooled.buffer();
        input.writeByte(FrameStream.RAW);
        writer.write(input);
        return bytes(input);
    }

    private static byte[] withSwitches(final int switches, final byte[] input)
    {
        input[0] = (byte)switches;
        return input;
    }

    private static byte[] bytes(final ByteBuf b)
    {
        final byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        return out;
    }

    private static void write(final Path dir, final String name, final byte[] input) throws IOException
    {
        Files.write(dir.resolve(name), input);
    }
}
