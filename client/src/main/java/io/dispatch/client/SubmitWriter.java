package io.dispatch.client;

import io.dispatch.netty.ByteBufFrames;
import io.dispatch.protocol.FrameDescriptor;
import io.dispatch.protocol.MessageType;
import io.dispatch.protocol.SubmitBatchFlyweight;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/**
 * Encodes SUBMIT and SUBMIT_BATCH frames straight into the outbound buffer: strings are written as UTF-8 in
 * place ({@link ByteBufUtil#writeUtf8}) and their length prefixes back-filled, so no intermediate byte arrays.
 * Same layout as {@link io.dispatch.protocol.SubmitEncoder} (which allocates per field); SubmitWriterTest
 * checks that both produce identical bytes.
 * <p>
 * Stateless and thread-safe.
 */
final class SubmitWriter
{
    /** Frame bytes of a SUBMIT_BATCH beyond its items: header, then u16 count and u16 reserved. */
    static final int BATCH_OVERHEAD = FrameDescriptor.HEADER_LENGTH + SubmitBatchFlyweight.HEADER_LENGTH;
    /** Frame bytes per batch item beyond its body: the u16 item length. */
    static final int BATCH_ITEM_OVERHEAD = SubmitBatchFlyweight.ITEM_LENGTH_FIELD_LENGTH;

    private SubmitWriter()
    {
    }

    /** @return the whole-frame length of a single SUBMIT carrying this message. */
    static int submitFrameLength(final Submit submit)
    {
        return FrameDescriptor.HEADER_LENGTH + submit.encodedLength();
    }

    static void writeSubmit(final ByteBuf out, final long correlationId, final Submit submit)
    {
        final int start = ByteBufFrames.beginFrame(out, MessageType.SUBMIT, 0, correlationId);
        writeBody(out, submit);
        ByteBufFrames.endFrame(out, start);
    }

    /** Writes one SUBMIT_BATCH of {@code count} items; item i is answered with correlation id base + i. */
    static void writeBatch(
        final ByteBuf out, final long baseCorrelationId, final SubmitRequest[] items, final int count)
    {
        final int start = ByteBufFrames.beginSubmitBatch(out, baseCorrelationId, count);
        for (int i = 0; i < count; i++)
        {
            final int item = ByteBufFrames.beginBatchItem(out);
            writeBody(out, items[i].submit);
            ByteBufFrames.endBatchItem(out, item);
        }
        ByteBufFrames.endFrame(out, start);
    }

    static void writeBody(final ByteBuf out, final Submit submit)
    {
        writeBody(out, submit, 0);
    }

    static void writeBody(final ByteBuf out, final Submit submit, final int flags)
    {
        out.ensureWritable(submit.encodedLength());
        out.writeByte(submit.kind().code());
        out.writeByte(submit.channel().code());
        out.writeShortLE(flags);
        out.writeIntLE(submit.ttlSeconds());
        out.writeLongLE(submit.sendAtEpochMs());
        writeStr8(out, submit.key());
        writeStr8(out, submit.to());
        writeStr8(out, submit.template());
        writeStr16(out, submit.text());
        final int count = submit.varCount();
        out.writeByte(count);
        for (int i = 0; i < count; i++)
        {
            writeStr8(out, submit.varName(i));
            writeStr16(out, submit.varValue(i));
        }
    }

    private static void writeStr8(final ByteBuf out, final String s)
    {
        final int lengthAt = out.writerIndex();
        out.writeByte(0);
        if (!s.isEmpty())
        {
            out.setByte(lengthAt, ByteBufUtil.writeUtf8(out, s));
        }
    }

    private static void writeStr16(final ByteBuf out, final String s)
    {
        final int lengthAt = out.writerIndex();
        out.writeShortLE(0);
        if (!s.isEmpty())
        {
            out.setShortLE(lengthAt, ByteBufUtil.writeUtf8(out, s));
        }
    }
}
