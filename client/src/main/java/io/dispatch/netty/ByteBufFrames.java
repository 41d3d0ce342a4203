package io.dispatch.netty;

import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.FrameDescriptor;
import io.dispatch.protocol.Frames;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.SubmitEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;
import org.agrona.ExpandableArrayBuffer;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The Netty edge of {@link Frames} and {@link SubmitEncoder}: each method appends the frame those write at the
 * {@link ByteBuf}'s writer index. The protocol module has no Netty, so the layout is written once, into a per-thread
 * scratch buffer that is reused (no allocation), and copied from there: frames are small, and this works for every
 * kind of {@code ByteBuf} (heap, direct, composite).
 */
public final class ByteBufFrames
{
    /** Netty's thread-local: an indexed slot on event-loop threads, a plain ThreadLocal on others. */
    private static final FastThreadLocal<ExpandableArrayBuffer> SCRATCH = new FastThreadLocal<>()
    {
        @Override
        protected ExpandableArrayBuffer initialValue()
        {
            return new ExpandableArrayBuffer(256);
        }
    };

    private ByteBufFrames()
    {
    }

    private static ExpandableArrayBuffer scratch()
    {
        return SCRATCH.get();
    }

    private static void append(final ByteBuf out, final ExpandableArrayBuffer scratch, final int length)
    {
        out.writeBytes(scratch.byteArray(), 0, length);
    }

    /** Appends a header with a zero length and returns its start; {@link #endFrame} fixes the length. */
    public static int beginFrame(final ByteBuf out, final byte type, final int flags, final long correlationId)
    {
        final int start = out.writerIndex();
        final ExpandableArrayBuffer s = scratch();
        append(out, s, Frames.beginFrame(s, 0, type, flags, correlationId));
        return start;
    }

    public static void endFrame(final ByteBuf out, final int start)
    {
        out.setIntLE(start + FrameDescriptor.LENGTH_OFFSET,
            out.writerIndex() - start - FrameDescriptor.LENGTH_FIELD_LENGTH);
    }

    /** Appends one SUBMIT body (no header); @return the number of bytes written. */
    public static int submitBody(
        final ByteBuf out,
        final MessageKind kind,
        final ChannelType channel,
        final int ttlSeconds,
        final String idempotencyKey,
        final String recipient,
        final String templateId,
        final String text,
        final Map<String, String> vars)
    {
        final ExpandableArrayBuffer s = scratch();
        final int n = SubmitEncoder.encode(
            s, 0, kind, channel, ttlSeconds, idempotencyKey, recipient, templateId, text, vars);
        append(out, s, n);
        return n;
    }

    public static void hello(
        final ByteBuf out, final long correlationId, final String tenant, final String apiKey, final String clientName)
    {
        final ExpandableArrayBuffer s = scratch();
        append(out, s, Frames.hello(s, 0, correlationId, tenant, apiKey, clientName));
    }

    public static void helloOk(
        final ByteBuf out,
        final long correlationId,
        final int version,
        final int initialCredit,
        final int maxFrameLength,
        final int sessionId)
    {
        final ExpandableArrayBuffer s = scratch();
        append(out, s, Frames.helloOk(s, 0, correlationId, version, initialCredit, maxFrameLength, sessionId));
    }

    public static void ok(final ByteBuf out, final long correlationId)
    {
        final ExpandableArrayBuffer s = scratch();
        append(out, s, Frames.ok(s, 0, correlationId));
    }

    public static void ack(final ByteBuf out, final long correlationId, final long messageId, final byte outcome)
    {
        final ExpandableArrayBuffer s = scratch();
        append(out, s, Frames.ack(s, 0, correlationId, messageId, outcome));
    }

    public static void nack(final ByteBuf out, final long correlationId, final ErrorCode code, final String detail)
    {
        final ExpandableArrayBuffer s = scratch();
        append(out, s, Frames.nack(s, 0, correlationId, code, detail));
    }

    public static void error(final ByteBuf out, final long correlationId, final ErrorCode code, final String detail)
    {
        final ExpandableArrayBuffer s = scratch();
        append(out, s, Frames.error(s, 0, correlationId, code, detail));
    }

    public static void cancel(final ByteBuf out, final long correlationId, final long messageId)
    {
        final ExpandableArrayBuffer s = scratch();
        append(out, s, Frames.cancel(s, 0, correlationId, messageId));
    }

    public static void cancelByKey(final ByteBuf out, final long correlationId, final String idempotencyKey)
    {
        final ExpandableArrayBuffer s = scratch();
        append(out, s, Frames.cancelByKey(s, 0, correlationId, idempotencyKey));
    }

    public static void cancelResult(final ByteBuf out, final long correlationId, final long messageId, final byte result)
    {
        final ExpandableArrayBuffer s = scratch();
        append(out, s, Frames.cancelResult(s, 0, correlationId, messageId, result));
    }

    public static void consent(
        final ByteBuf out, final long correlationId, final int channel, final int set, final int clear,
        final String recipient, final String source)
    {
        final ExpandableArrayBuffer s = scratch();
        append(out, s, Frames.consent(s, 0, correlationId, channel, set, clear, recipient, source));
    }

    public static void credit(final ByteBuf out, final int grant)
    {
        final ExpandableArrayBuffer s = scratch();
        append(out, s, Frames.credit(s, 0, grant));
    }

    public static void status(final ByteBuf out, final long correlationId, final long messageId)
    {
        final ExpandableArrayBuffer s = scratch();
        append(out, s, Frames.status(s, 0, correlationId, messageId));
    }

    public static void statusResult(
        final ByteBuf out,
        final long correlationId,
        final long messageId,
        final int state,
        final int attempts,
        final int reason,
        final long updatedAtEpochMs,
        final int channel,
        final int kind)
    {
        final ExpandableArrayBuffer s = scratch();
        append(out, s, Frames.statusResult(
            s, 0, correlationId, messageId, state, attempts, reason, updatedAtEpochMs, channel, kind));
    }

    public static void subscribe(final ByteBuf out, final long correlationId, final byte scope)
    {
        final ExpandableArrayBuffer s = scratch();
        append(out, s, Frames.subscribe(s, 0, correlationId, scope));
    }

    public static void subscribe(final ByteBuf out, final long correlationId, final byte scope, final int stateMask)
    {
        final ExpandableArrayBuffer s = scratch();
        append(out, s, Frames.subscribe(s, 0, correlationId, scope, stateMask));
    }

    public static void subscribe(
        final ByteBuf out, final long correlationId, final byte scope, final int stateMask, final long resumeAfter)
    {
        final ExpandableArrayBuffer s = scratch();
        append(out, s, Frames.subscribe(s, 0, correlationId, scope, stateMask, resumeAfter));
    }

    public static void subscribeInbound(final ByteBuf out, final long correlationId, final long resumeAfter)
    {
        final ExpandableArrayBuffer s = scratch();
        append(out, s, Frames.subscribeInbound(s, 0, correlationId, resumeAfter));
    }

    public static void receipt(
        final ByteBuf out, final long messageId, final int state, final int attempts, final int reason, final long atMs)
    {
        final ExpandableArrayBuffer s = scratch();
        append(out, s, Frames.receipt(s, 0, messageId, state, attempts, reason, atMs));
    }

    public static void receipt(
        final ByteBuf out, final long messageId, final int state, final int attempts, final int reason, final long atMs,
        final int channel)
    {
        final ExpandableArrayBuffer s = scratch();
        append(out, s, Frames.receipt(s, 0, messageId, state, attempts, reason, atMs, channel));
    }

    public static void receiptsDropped(final ByteBuf out, final int count)
    {
        final ExpandableArrayBuffer s = scratch();
        append(out, s, Frames.receiptsDropped(s, 0, count));
    }

    public static void ping(final ByteBuf out, final long correlationId, final long payload)
    {
        final ExpandableArrayBuffer s = scratch();
        append(out, s, Frames.ping(s, 0, correlationId, payload));
    }

    public static void pong(final ByteBuf out, final long correlationId, final long payload)
    {
        final ExpandableArrayBuffer s = scratch();
        append(out, s, Frames.pong(s, 0, correlationId, payload));
    }

    public static void goodbye(final ByteBuf out, final long correlationId, final int reason)
    {
        final ExpandableArrayBuffer s = scratch();
        append(out, s, Frames.goodbye(s, 0, correlationId, reason));
    }

    public static void goodbye(final ByteBuf out, final long correlationId, final int reason, final long retryAfterMs)
    {
        final ExpandableArrayBuffer s = scratch();
        append(out, s, Frames.goodbye(s, 0, correlationId, reason, retryAfterMs));
    }

    /** Reads a str16 at {@code offset}; for NACK/ERROR details (allocates: not for the hot path). */
    public static String readStr16(final ByteBuf in, final int offset)
    {
        return in.toString(offset + 2, in.getUnsignedShortLE(offset), StandardCharsets.UTF_8);
    }

    public static String readStr8(final ByteBuf in, final int offset)
    {
        return in.toString(offset + 1, in.getUnsignedByte(offset), StandardCharsets.UTF_8);
    }
}
