package io.dispatch.protocol;

import io.netty.buffer.ByteBuf;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;

/**
 * Encoders for every fixed-layout frame of protocol v1. Each method appends one whole frame (header
 * included) at the writer index. Bodies, little-endian:
 *
 * <pre>
 * HELLO            u8 minVersion, u8 maxVersion, u16 reserved, str8 tenant, str8 apiKey, str8 clientName
 * HELLO_OK         u8 version, u8 reserved, u16 reserved, u32 initialCredit, u32 maxFrameLength, u32 sessionId
 * OK               (empty)
 * ACK              u64 messageId, u8 outcome (0 accepted, 1 duplicate: messageId is the original's)
 * NACK, ERROR      u16 errorCode, str16 detail
 * CREDIT           u32 grant (added to the client's window)
 * STATUS           u64 messageId
 * STATUS_RESULT    u64 messageId, u8 state, u8 attempts, u16 reason, u64 updatedAtEpochMs, u8 channel, u8 kind
 * SUBSCRIBE        u8 scope (0 messages submitted on this connection, 1 every message of the tenant),
 *                  u8 reserved, u16 stateMask (bit n set = send receipts for state code n; 0 or absent = all),
 *                  then optionally u64 resumeAfter (scope 1 only: receipts after that position, from the journal)
 * RECEIPT          u64 messageId, u8 state, u8 attempts, u16 reason, u64 atEpochMs, u8 channel, u64 position
 * SUBSCRIBE_INBOUND empty (from now) or u64 resumeAfter (0 = from the start of the journal)
 * INBOUND          u64 position, then the event (see docs/protocol.md)
 * RECEIPTS_DROPPED u32 count (receipts not delivered to a slow subscriber; STATUS still answers)
 * PING, PONG       u64 payload (echoed); a PING body is exactly 8 bytes
 * GOODBYE          u16 reason (0 normal, else an error code), u32 retryAfterMs (engine only, optional)
 * </pre>
 * The answers the engine's ring stages write (ACK, NACK/ERROR, STATUS_RESULT, RECEIPT, EXPLAIN_RESULT,
 * CANCEL_RESULT) have their layout in one flyweight each ({@link AckFlyweight} …); the encoders here for them go
 * through those flyweights, so a layout has one writer.
 */
public final class Frames
{
    public static final int ACK_FRAME_LENGTH = AckFlyweight.FRAME_LENGTH;
    /** See {@link ReceiptFlyweight}: older engines send 20 or 21 body bytes. */
    public static final int RECEIPT_FRAME_LENGTH = ReceiptFlyweight.FRAME_LENGTH;
    public static final int STATUS_RESULT_FRAME_LENGTH = StatusResultFlyweight.FRAME_LENGTH;
    public static final int CREDIT_FRAME_LENGTH = FrameDescriptor.HEADER_LENGTH + 4;
    /** Up to the re-addressed fallback's address: see {@link ExplainResultFlyweight}. */
    public static final int EXPLAIN_RESULT_FRAME_LENGTH = ExplainResultFlyweight.FIXED_FRAME_LENGTH;
    /** An unknown id or key is NACK NOT_FOUND instead (before 2026-12 a key got -1). */
    public static final int CANCEL_RESULT_FRAME_LENGTH = CancelResultFlyweight.FRAME_LENGTH;

    /** CANCEL_RESULT results. */
    public static final byte CANCEL_DONE = CancelResultFlyweight.DONE;
    public static final byte CANCEL_NOT_DEFERRED = CancelResultFlyweight.NOT_DEFERRED;
    /** CANCEL selectors. */
    public static final byte CANCEL_BY_ID = 0;
    public static final byte CANCEL_BY_KEY = 1;

    public static final byte ACK_ACCEPTED = AckFlyweight.ACCEPTED;
    public static final byte ACK_DUPLICATE = AckFlyweight.DUPLICATE;

    public static final byte SCOPE_CONNECTION = 0;
    public static final byte SCOPE_TENANT = 1;
    /** SUBSCRIBE state mask selecting every state. */
    public static final int ALL_STATES = 0xFFFF;

    private Frames()
    {
    }

    /** Writes a header with a zero length and returns its start; {@link #endFrame} fixes the length. */
    public static int beginFrame(final ByteBuf out, final byte type, final int flags, final long correlationId)
    {
        final int start = out.writerIndex();
        out.writeIntLE(0);
        out.writeByte(FrameDescriptor.CURRENT_VERSION);
        out.writeByte(type);
        out.writeShortLE(flags);
        out.writeLongLE(correlationId);
        return start;
    }

    public static void endFrame(final ByteBuf out, final int start)
    {
        out.setIntLE(start, out.writerIndex() - start - FrameDescriptor.LENGTH_FIELD_LENGTH);
    }

    public static void hello(
        final ByteBuf out, final long correlationId, final String tenant, final String apiKey, final String clientName)
    {
        final int start = beginFrame(out, MessageType.HELLO, 0, correlationId);
        out.writeByte(FrameDescriptor.VERSION_1);
        out.writeByte(FrameDescriptor.CURRENT_VERSION);
        out.writeShortLE(0);
        SubmitEncoder.writeStr8(out, tenant);
        SubmitEncoder.writeStr8(out, apiKey);
        SubmitEncoder.writeStr8(out, clientName);
        endFrame(out, start);
    }

    public static void helloOk(
        final ByteBuf out,
        final long correlationId,
        final int version,
        final int initialCredit,
        final int maxFrameLength,
        final int sessionId)
    {
        final int start = beginFrame(out, MessageType.HELLO_OK, 0, correlationId);
        out.writeByte(version);
        out.writeByte(0);
        out.writeShortLE(0);
        out.writeIntLE(initialCredit);
        out.writeIntLE(maxFrameLength);
        out.writeIntLE(sessionId);
        endFrame(out, start);
    }

    public static void ok(final ByteBuf out, final long correlationId)
    {
        endFrame(out, beginFrame(out, MessageType.OK, 0, correlationId));
    }

    public static void ack(final ByteBuf out, final long correlationId, final long messageId, final byte outcome)
    {
        final AckFlyweight ack = new AckFlyweight().wrap(new UnsafeBuffer(new byte[AckFlyweight.FRAME_LENGTH]), 0);
        ack.header(MessageType.ACK, AckFlyweight.FRAME_LENGTH, correlationId);
        ack.messageId(messageId).outcome(outcome);
        append(out, ack);
    }

    public static void nack(final ByteBuf out, final long correlationId, final ErrorCode code, final String detail)
    {
        codeAndDetail(out, MessageType.NACK, correlationId, code, detail);
    }

    public static void error(final ByteBuf out, final long correlationId, final ErrorCode code, final String detail)
    {
        codeAndDetail(out, MessageType.ERROR, correlationId, code, detail);
    }

    private static void codeAndDetail(
        final ByteBuf out, final byte type, final long correlationId, final ErrorCode code, final String detail)
    {
        final byte[] bytes = NackFlyweight.encodeDetail(detail);
        final int length = NackFlyweight.frameLength(bytes.length);
        final NackFlyweight nack = new NackFlyweight().wrap(new UnsafeBuffer(new byte[length]), 0);
        nack.header(type, length, correlationId);
        nack.code(code).detail(bytes);
        append(out, nack);
    }

    /** Appends the whole frame a flyweight wrote on a heap buffer of its own (off the hot path: allocates). */
    private static void append(final ByteBuf out, final FrameFlyweight frame)
    {
        out.writeBytes(frame.buffer().byteArray(), frame.offset(), frame.frameLength());
    }

    /** CANCEL by message id. */
    public static void cancel(final ByteBuf out, final long correlationId, final long messageId)
    {
        final int start = beginFrame(out, MessageType.CANCEL, 0, correlationId);
        out.writeByte(CANCEL_BY_ID);
        out.writeLongLE(messageId);
        endFrame(out, start);
    }

    /** CANCEL by idempotency key. */
    public static void cancelByKey(final ByteBuf out, final long correlationId, final String idempotencyKey)
    {
        final byte[] key = idempotencyKey.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (key.length == 0 || key.length > SubmitDescriptor.MAX_KEY_LENGTH)
        {
            throw new IllegalArgumentException("idempotencyKey must be 1.." + SubmitDescriptor.MAX_KEY_LENGTH + " bytes");
        }
        final int start = beginFrame(out, MessageType.CANCEL, 0, correlationId);
        out.writeByte(CANCEL_BY_KEY);
        out.writeByte(key.length);
        out.writeBytes(key);
        endFrame(out, start);
    }

    /**
     * CONSENT: u8 channel (0 = every channel), u8 reserved, u16 set flags, u16 clear flags, u8 recipient length,
     * recipient, u8 source length, source (free text evidence, e.g. "signup-form").
     */
    public static void consent(
        final ByteBuf out, final long correlationId, final int channel, final int set, final int clear,
        final String recipient, final String source)
    {
        final byte[] r = recipient.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        final byte[] s = source.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (r.length == 0 || r.length > SubmitDescriptor.MAX_RECIPIENT_LENGTH || s.length > 255)
        {
            throw new IllegalArgumentException("recipient must be 1.." + SubmitDescriptor.MAX_RECIPIENT_LENGTH
                + " bytes and source at most 255");
        }
        final int start = beginFrame(out, MessageType.CONSENT, 0, correlationId);
        out.writeByte(channel);
        out.writeByte(0);
        out.writeShortLE(set);
        out.writeShortLE(clear);
        out.writeByte(r.length);
        out.writeBytes(r);
        out.writeByte(s.length);
        out.writeBytes(s);
        endFrame(out, start);
    }

    public static void credit(final ByteBuf out, final int grant)
    {
        final int start = beginFrame(out, MessageType.CREDIT, 0, 0L);
        out.writeIntLE(grant);
        endFrame(out, start);
    }

    public static void status(final ByteBuf out, final long correlationId, final long messageId)
    {
        final int start = beginFrame(out, MessageType.STATUS, 0, correlationId);
        out.writeLongLE(messageId);
        endFrame(out, start);
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
        final StatusResultFlyweight result =
            new StatusResultFlyweight().wrap(new UnsafeBuffer(new byte[StatusResultFlyweight.FRAME_LENGTH]), 0);
        result.header(MessageType.STATUS_RESULT, StatusResultFlyweight.FRAME_LENGTH, correlationId);
        result.messageId(messageId).state(state).attempts(attempts).reason(reason).updatedAtMs(updatedAtEpochMs)
            .channel(channel).kind(kind);
        append(out, result);
    }

    public static void subscribe(final ByteBuf out, final long correlationId, final byte scope)
    {
        subscribe(out, correlationId, scope, ALL_STATES);
    }

    /** @param stateMask bit {@code n} set = receipts for the state with code {@code n} (see {@link #stateMask}). */
    public static void subscribe(final ByteBuf out, final long correlationId, final byte scope, final int stateMask)
    {
        final int start = beginFrame(out, MessageType.SUBSCRIBE, 0, correlationId);
        out.writeByte(scope);
        out.writeByte(0);
        out.writeShortLE(stateMask);
        endFrame(out, start);
    }

    /**
     * A SUBSCRIBE that resumes the tenant's receipts after {@code resumeAfter} (a RECEIPT's position; 0 = from the
     * start of the journal): scope 1 only.
     */
    public static void subscribe(final ByteBuf out, final long correlationId, final byte scope, final int stateMask,
        final long resumeAfter)
    {
        final int start = beginFrame(out, MessageType.SUBSCRIBE, 0, correlationId);
        out.writeByte(scope);
        out.writeByte(0);
        out.writeShortLE(stateMask);
        out.writeLongLE(resumeAfter);
        endFrame(out, start);
    }

    /** @param resumeAfter an INBOUND frame's position, 0 for the start of the journal, or -1 for "from now". */
    public static void subscribeInbound(final ByteBuf out, final long correlationId, final long resumeAfter)
    {
        final int start = beginFrame(out, MessageType.SUBSCRIBE_INBOUND, 0, correlationId);
        if (resumeAfter >= 0)
        {
            out.writeLongLE(resumeAfter);
        }
        endFrame(out, start);
    }

    /** @return the SUBSCRIBE state mask selecting the given states. */
    public static int stateMask(final DeliveryState... states)
    {
        int mask = 0;
        for (final DeliveryState s : states)
        {
            mask |= 1 << s.code();
        }
        return mask;
    }

    /** A RECEIPT as engines before 2026-11 wrote it, without the channel byte: for peers that play one. */
    public static void receipt(
        final ByteBuf out, final long messageId, final int state, final int attempts, final int reason, final long atMs)
    {
        final ReceiptFlyweight receipt = receiptFields(ReceiptFlyweight.OLDEST_BODY_LENGTH, messageId, state, attempts,
            reason, atMs);
        append(out, receipt);
    }

    /** A RECEIPT with the channel the message is on (after a fallback, the new one), as engines before 2026-12 wrote it. */
    public static void receipt(
        final ByteBuf out, final long messageId, final int state, final int attempts, final int reason, final long atMs,
        final int channel)
    {
        final ReceiptFlyweight receipt = receiptFields(ReceiptFlyweight.CHANNEL_BODY_LENGTH, messageId, state, attempts,
            reason, atMs);
        receipt.channel(channel);
        append(out, receipt);
    }

    private static ReceiptFlyweight receiptFields(final int bodyLength, final long messageId, final int state,
        final int attempts, final int reason, final long atMs)
    {
        final ReceiptFlyweight receipt =
            new ReceiptFlyweight().wrap(new UnsafeBuffer(new byte[ReceiptFlyweight.FRAME_LENGTH]), 0);
        receipt.header(MessageType.RECEIPT, FrameDescriptor.HEADER_LENGTH + bodyLength, 0L);
        return receipt.messageId(messageId).state(state).attempts(attempts).reason(reason).atMs(atMs);
    }

    public static void receiptsDropped(final ByteBuf out, final int count)
    {
        final int start = beginFrame(out, MessageType.RECEIPTS_DROPPED, 0, 0L);
        out.writeIntLE(count);
        endFrame(out, start);
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
        final int start = beginFrame(out, type, 0, correlationId);
        out.writeLongLE(payload);
        endFrame(out, start);
    }

    public static void goodbye(final ByteBuf out, final long correlationId, final int reason)
    {
        final int start = beginFrame(out, MessageType.GOODBYE, 0, correlationId);
        out.writeShortLE(reason);
        endFrame(out, start);
    }

    /**
     * The engine's GOODBYE when it leaves on its own (a drain): the reason is an error code (22 SHUTTING_DOWN)
     * and {@code retryAfterMs} how long the client should wait before it reconnects.
     */
    public static void goodbye(final ByteBuf out, final long correlationId, final int reason, final long retryAfterMs)
    {
        final int start = beginFrame(out, MessageType.GOODBYE, 0, correlationId);
        out.writeShortLE(reason);
        out.writeIntLE((int)Math.min(retryAfterMs, 0xFFFF_FFFFL));
        endFrame(out, start);
    }

    /** Reads a str16 at {@code offset}; for NACK/ERROR details (allocates: not for the hot path). */
    public static String readStr16(final ByteBuf in, final int offset)
    {
        final int n = in.getUnsignedShortLE(offset);
        return in.toString(offset + 2, n, StandardCharsets.UTF_8);
    }

    public static String readStr8(final ByteBuf in, final int offset)
    {
        final int n = in.getUnsignedByte(offset);
        return in.toString(offset + 1, n, StandardCharsets.UTF_8);
    }
}
