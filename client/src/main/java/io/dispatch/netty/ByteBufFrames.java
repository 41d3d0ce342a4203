package io.dispatch.netty;

import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.CreditFlyweight;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.FrameDescriptor;
import io.dispatch.protocol.Frames;
import io.dispatch.protocol.GoodbyeFlyweight;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.MessageType;
import io.dispatch.protocol.OkFlyweight;
import io.dispatch.protocol.PingFlyweight;
import io.dispatch.protocol.ReceiptsDroppedFlyweight;
import io.dispatch.protocol.SubmitBatchFlyweight;
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
 * kind of {@code ByteBuf} (heap, direct, composite). The frames written per request or per read (OK, CREDIT,
 * RECEIPTS_DROPPED, PING/PONG, GOODBYE, the SUBMIT_BATCH framing) go through per-thread flyweights, so writing them
 * allocates nothing.
 */
public final class ByteBufFrames
{
    /** Netty's thread-local: an indexed slot on event-loop threads, a plain ThreadLocal on others. */
    private static final FastThreadLocal<Scratch> SCRATCH = new FastThreadLocal<>()
    {
        @Override
        protected Scratch initialValue()
        {
            return new Scratch();
        }
    };

    /** A thread's scratch buffer and the flyweights that write the small frames into it. */
    private static final class Scratch
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);
        final OkFlyweight ok = new OkFlyweight().wrap(buffer, 0);
        final CreditFlyweight credit = new CreditFlyweight().wrap(buffer, 0);
        final ReceiptsDroppedFlyweight receiptsDropped = new ReceiptsDroppedFlyweight().wrap(buffer, 0);
        final PingFlyweight ping = new PingFlyweight();
        final GoodbyeFlyweight goodbye = new GoodbyeFlyweight().wrap(buffer, 0);
        final SubmitBatchFlyweight batch = new SubmitBatchFlyweight();
    }

    private ByteBufFrames()
    {
    }

    private static ExpandableArrayBuffer scratch()
    {
        return SCRATCH.get().buffer;
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
        final Scratch s = SCRATCH.get();
        s.ok.header(MessageType.OK, OkFlyweight.FRAME_LENGTH, correlationId);
        append(out, s.buffer, OkFlyweight.FRAME_LENGTH);
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
        final Scratch s = SCRATCH.get();
        s.credit.header(MessageType.CREDIT, CreditFlyweight.FRAME_LENGTH, 0L);
        s.credit.grant(grant);
        append(out, s.buffer, CreditFlyweight.FRAME_LENGTH);
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
        final Scratch s = SCRATCH.get();
        s.receiptsDropped.header(MessageType.RECEIPTS_DROPPED, ReceiptsDroppedFlyweight.FRAME_LENGTH, 0L);
        s.receiptsDropped.count(count);
        append(out, s.buffer, ReceiptsDroppedFlyweight.FRAME_LENGTH);
    }

    public static void ping(final ByteBuf out, final long correlationId, final long payload)
    {
        pingPong(out, MessageType.PING, correlationId, payload);
    }

    public static void pong(final ByteBuf out, final long correlationId, final long payload)
    {
        pingPong(out, MessageType.PONG, correlationId, payload);
    }

    private static void pingPong(final ByteBuf out, final byte type, final long correlationId, final long payload)
    {
        final Scratch s = SCRATCH.get();
        final int body = Frames.beginFrame(s.buffer, 0, type, 0, correlationId);
        append(out, s.buffer, Frames.endFrame(s.buffer, 0,
            body + s.ping.wrapForEncode(s.buffer, body).payload(payload).encodedLength()));
    }

    public static void campaignControl(final ByteBuf out, final long correlationId, final long campaignId,
        final byte action)
    {
        final ExpandableArrayBuffer s = scratch();
        append(out, s, Frames.campaignControl(s, 0, correlationId, campaignId, action));
    }

    public static void campaignStats(final ByteBuf out, final long correlationId, final long campaignId,
        final String name)
    {
        final ExpandableArrayBuffer s = scratch();
        append(out, s, Frames.campaignStats(s, 0, correlationId, campaignId, name));
    }

    /** A client's GOODBYE: the reason only. */
    public static void goodbye(final ByteBuf out, final long correlationId, final int reason)
    {
        final Scratch s = SCRATCH.get();
        s.goodbye.header(MessageType.GOODBYE, GoodbyeFlyweight.REASON_FRAME_LENGTH, correlationId);
        s.goodbye.reason(reason);
        append(out, s.buffer, GoodbyeFlyweight.REASON_FRAME_LENGTH);
    }

    /** The engine's GOODBYE: the reason and how long to wait before connecting again. */
    public static void goodbye(final ByteBuf out, final long correlationId, final int reason, final long retryAfterMs)
    {
        final Scratch s = SCRATCH.get();
        s.goodbye.header(MessageType.GOODBYE, GoodbyeFlyweight.FRAME_LENGTH, correlationId);
        s.goodbye.reason(reason).retryAfterMs(retryAfterMs);
        append(out, s.buffer, GoodbyeFlyweight.FRAME_LENGTH);
    }

    /**
     * Appends a SUBMIT_BATCH's frame header and batch header; then per item {@link #beginBatchItem} and, once its
     * SUBMIT body is appended, {@link #endBatchItem}; then {@link #endFrame}.
     *
     * @return the frame's start, for {@link #endFrame}.
     */
    public static int beginSubmitBatch(final ByteBuf out, final long baseCorrelationId, final int count)
    {
        final int start = out.writerIndex();
        final Scratch s = SCRATCH.get();
        final int body = Frames.beginFrame(s.buffer, 0, MessageType.SUBMIT_BATCH, 0, baseCorrelationId);
        append(out, s.buffer, body + s.batch.wrapForEncode(s.buffer, body).count(count).encodedLength());
        return start;
    }

    /** Makes room for a batch item's length field; @return where it is, for {@link #endBatchItem}. */
    public static int beginBatchItem(final ByteBuf out)
    {
        final int at = out.writerIndex();
        out.writeZero(SubmitBatchFlyweight.ITEM_LENGTH_FIELD_LENGTH);
        return at;
    }

    /** Sets the length field at {@code at} to the bytes of the SUBMIT body appended after it. */
    public static void endBatchItem(final ByteBuf out, final int at)
    {
        final Scratch s = SCRATCH.get();
        final int bodyLength = out.writerIndex() - at - SubmitBatchFlyweight.ITEM_LENGTH_FIELD_LENGTH;
        s.batch.wrapForEncode(s.buffer, 0).itemWritten(bodyLength);
        out.setBytes(at, s.buffer.byteArray(), 0, SubmitBatchFlyweight.ITEM_LENGTH_FIELD_LENGTH);
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
