package io.dispatch.protocol;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;


/**
 * Encoders for every fixed-layout frame of protocol v1, over Agrona buffers (no Netty: a Netty peer wraps its
 * buffer at the edge). Each method writes one whole frame (header included) at {@code offset} and returns its
 * length; an expandable buffer ({@code ExpandableArrayBuffer}) grows to fit. Bodies, little-endian:
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
 * Every layout here has one flyweight that says where its fields are: the answers (ACK, NACK/ERROR, STATUS_RESULT,
 * RECEIPT, EXPLAIN_RESULT, CANCEL_RESULT), the requests the engine validates (HELLO, CANCEL, STATUS, SUBSCRIBE,
 * SUBSCRIBE_INBOUND, PING), HELLO_OK, INBOUND, and the small fixed frames (OK, CREDIT, RECEIPTS_DROPPED, PING/PONG,
 * GOODBYE: {@link CreditFlyweight} …). The encoders here go through those flyweights, so a layout has one writer.
 */
public final class Frames
{
    public static final int ACK_FRAME_LENGTH = AckFlyweight.FRAME_LENGTH;
    /** See {@link ReceiptFlyweight}: older engines send 20 or 21 body bytes. */
    public static final int RECEIPT_FRAME_LENGTH = ReceiptFlyweight.FRAME_LENGTH;
    public static final int STATUS_RESULT_FRAME_LENGTH = StatusResultFlyweight.FRAME_LENGTH;
    public static final int CREDIT_FRAME_LENGTH = CreditFlyweight.FRAME_LENGTH;
    /** Up to the re-addressed fallback's address: see {@link ExplainResultFlyweight}. */
    public static final int EXPLAIN_RESULT_FRAME_LENGTH = ExplainResultFlyweight.FIXED_FRAME_LENGTH;
    /** An unknown id or key is NACK NOT_FOUND instead (before 2026-12 a key got -1). */
    public static final int CANCEL_RESULT_FRAME_LENGTH = CancelResultFlyweight.FRAME_LENGTH;

    /** CANCEL_RESULT results. */
    public static final byte CANCEL_DONE = CancelResultFlyweight.DONE;
    public static final byte CANCEL_NOT_DEFERRED = CancelResultFlyweight.NOT_DEFERRED;
    /** CANCEL selectors. */
    public static final byte CANCEL_BY_ID = CancelFlyweight.BY_ID;
    public static final byte CANCEL_BY_KEY = CancelFlyweight.BY_KEY;

    public static final byte ACK_ACCEPTED = AckFlyweight.ACCEPTED;
    public static final byte ACK_DUPLICATE = AckFlyweight.DUPLICATE;

    public static final byte SCOPE_CONNECTION = SubscribeFlyweight.SCOPE_CONNECTION;
    public static final byte SCOPE_TENANT = SubscribeFlyweight.SCOPE_TENANT;
    /** SUBSCRIBE state mask selecting every state. */
    public static final int ALL_STATES = SubscribeFlyweight.ALL_STATES;

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private Frames()
    {
    }

    /**
     * Writes a header with a zero length at {@code offset}; {@link #endFrame} fixes the length.
     *
     * @return the offset of the body.
     */
    public static int beginFrame(
        final MutableDirectBuffer out, final int offset, final byte type, final int flags, final long correlationId)
    {
        out.putInt(offset + FrameDescriptor.LENGTH_OFFSET, 0, LE);
        out.putByte(offset + FrameDescriptor.VERSION_OFFSET, FrameDescriptor.CURRENT_VERSION);
        out.putByte(offset + FrameDescriptor.TYPE_OFFSET, type);
        out.putShort(offset + FrameDescriptor.FLAGS_OFFSET, (short)flags, LE);
        out.putLong(offset + FrameDescriptor.CORRELATION_ID_OFFSET, correlationId, LE);
        return offset + FrameDescriptor.HEADER_LENGTH;
    }

    /**
     * Sets the length field of the frame begun at {@code start} that ends before {@code end}.
     *
     * @return the length of the whole frame, header included.
     */
    public static int endFrame(final MutableDirectBuffer out, final int start, final int end)
    {
        out.putInt(start + FrameDescriptor.LENGTH_OFFSET, end - start - FrameDescriptor.LENGTH_FIELD_LENGTH, LE);
        return end - start;
    }

    public static int hello(
        final MutableDirectBuffer out, final int offset,
        final long correlationId, final String tenant, final String apiKey, final String clientName)
    {
        final int body = beginFrame(out, offset, MessageType.HELLO, 0, correlationId);
        final int length = new HelloFlyweight().wrapForEncode(out, body)
            .versions(FrameDescriptor.VERSION_1, FrameDescriptor.CURRENT_VERSION)
            .tenant(tenant).apiKey(apiKey).clientName(clientName)
            .encodedLength();
        return endFrame(out, offset, body + length);
    }

    public static int helloOk(
        final MutableDirectBuffer out, final int offset,
        final long correlationId,
        final int version,
        final int initialCredit,
        final int maxFrameLength,
        final int sessionId)
    {
        final HelloOkFlyweight helloOk = new HelloOkFlyweight().wrap(out, offset);
        helloOk.header(MessageType.HELLO_OK, HelloOkFlyweight.FRAME_LENGTH, correlationId);
        helloOk.version(version).initialCredit(initialCredit).maxFrameLength(maxFrameLength).sessionId(sessionId);
        return HelloOkFlyweight.FRAME_LENGTH;
    }

    public static int ok(
        final MutableDirectBuffer out, final int offset, final long correlationId)
    {
        new OkFlyweight().wrap(out, offset).header(MessageType.OK, OkFlyweight.FRAME_LENGTH, correlationId);
        return OkFlyweight.FRAME_LENGTH;
    }

    public static int ack(
        final MutableDirectBuffer out, final int offset,
        final long correlationId, final long messageId, final byte outcome)
    {
        final AckFlyweight ack = new AckFlyweight().wrap(out, offset);
        ack.header(MessageType.ACK, AckFlyweight.FRAME_LENGTH, correlationId);
        ack.messageId(messageId).outcome(outcome);
        return AckFlyweight.FRAME_LENGTH;
    }

    public static int nack(
        final MutableDirectBuffer out, final int offset,
        final long correlationId, final ErrorCode code, final String detail)
    {
        return codeAndDetail(out, offset, MessageType.NACK, correlationId, code, detail);
    }

    public static int error(
        final MutableDirectBuffer out, final int offset,
        final long correlationId, final ErrorCode code, final String detail)
    {
        return codeAndDetail(out, offset, MessageType.ERROR, correlationId, code, detail);
    }

    private static int codeAndDetail(
        final MutableDirectBuffer out, final int offset,
        final byte type, final long correlationId, final ErrorCode code, final String detail)
    {
        final byte[] bytes = NackFlyweight.encodeDetail(detail);
        final int length = NackFlyweight.frameLength(bytes.length);
        final NackFlyweight nack = new NackFlyweight().wrap(out, offset);
        nack.header(type, length, correlationId);
        nack.code(code).detail(bytes);
        return length;
    }

    /** CANCEL by message id. */
    public static int cancel(
        final MutableDirectBuffer out, final int offset, final long correlationId, final long messageId)
    {
        final int body = beginFrame(out, offset, MessageType.CANCEL, 0, correlationId);
        final int length = new CancelFlyweight().wrapForEncode(out, body).byId(messageId).encodedLength();
        return endFrame(out, offset, body + length);
    }

    /** CANCEL by idempotency key. */
    public static int cancelByKey(
        final MutableDirectBuffer out, final int offset, final long correlationId, final String idempotencyKey)
    {
        final byte[] key = idempotencyKey.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        final int body = beginFrame(out, offset, MessageType.CANCEL, 0, correlationId);
        final int length = new CancelFlyweight().wrapForEncode(out, body).byKey(key).encodedLength();
        return endFrame(out, offset, body + length);
    }

    public static int cancelResult(
        final MutableDirectBuffer out, final int offset,
        final long correlationId, final long messageId, final byte result)
    {
        final CancelResultFlyweight answer = new CancelResultFlyweight().wrap(out, offset);
        answer.header(MessageType.CANCEL_RESULT, CancelResultFlyweight.FRAME_LENGTH, correlationId);
        answer.messageId(messageId).result(result);
        return CancelResultFlyweight.FRAME_LENGTH;
    }

    /**
     * CONSENT: u8 channel (0 = every channel), u8 reserved, u16 set flags, u16 clear flags, u8 recipient length,
     * recipient, u8 source length, source (free text evidence, e.g. "signup-form").
     */
    public static int consent(
        final MutableDirectBuffer out, final int offset,
        final long correlationId, final int channel, final int set, final int clear,
        final String recipient, final String source)
    {
        final byte[] r = recipient.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        final byte[] s = source.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (r.length == 0 || r.length > SubmitDescriptor.MAX_RECIPIENT_LENGTH || s.length > 255)
        {
            throw new IllegalArgumentException("recipient must be 1.." + SubmitDescriptor.MAX_RECIPIENT_LENGTH
                + " bytes and source at most 255");
        }
        int p = beginFrame(out, offset, MessageType.CONSENT, 0, correlationId);
        out.putByte(p++, (byte)channel);
        out.putByte(p++, (byte)0);
        out.putShort(p, (short)set, LE);
        p += 2;
        out.putShort(p, (short)clear, LE);
        p += 2;
        out.putByte(p++, (byte)r.length);
        out.putBytes(p, r);
        p += r.length;
        out.putByte(p++, (byte)s.length);
        out.putBytes(p, s);
        p += s.length;
        return endFrame(out, offset, p);
    }

    public static int credit(
        final MutableDirectBuffer out, final int offset, final int grant)
    {
        final CreditFlyweight credit = new CreditFlyweight().wrap(out, offset);
        credit.header(MessageType.CREDIT, CreditFlyweight.FRAME_LENGTH, 0L);
        credit.grant(grant);
        return CreditFlyweight.FRAME_LENGTH;
    }

    public static int status(
        final MutableDirectBuffer out, final int offset, final long correlationId, final long messageId)
    {
        final int body = beginFrame(out, offset, MessageType.STATUS, 0, correlationId);
        final int length = new StatusFlyweight().wrapForEncode(out, body).messageId(messageId).encodedLength();
        return endFrame(out, offset, body + length);
    }

    public static int statusResult(
        final MutableDirectBuffer out, final int offset,
        final long correlationId,
        final long messageId,
        final int state,
        final int attempts,
        final int reason,
        final long updatedAtEpochMs,
        final int channel,
        final int kind)
    {
        final StatusResultFlyweight result = new StatusResultFlyweight().wrap(out, offset);
        result.header(MessageType.STATUS_RESULT, StatusResultFlyweight.FRAME_LENGTH, correlationId);
        result.messageId(messageId).state(state).attempts(attempts).reason(reason).updatedAtMs(updatedAtEpochMs)
            .channel(channel).kind(kind);
        return StatusResultFlyweight.FRAME_LENGTH;
    }

    public static int subscribe(
        final MutableDirectBuffer out, final int offset, final long correlationId, final byte scope)
    {
        return subscribe(out, offset, correlationId, scope, ALL_STATES);
    }

    /** @param stateMask bit {@code n} set = receipts for the state with code {@code n} (see {@link #stateMask}). */
    public static int subscribe(
        final MutableDirectBuffer out, final int offset,
        final long correlationId, final byte scope, final int stateMask)
    {
        final int body = beginFrame(out, offset, MessageType.SUBSCRIBE, 0, correlationId);
        return endFrame(out, offset, body + new SubscribeFlyweight().wrapForEncode(out, body)
            .scopeAndMask(scope, stateMask).encodedLength());
    }

    /**
     * A SUBSCRIBE that resumes the tenant's receipts after {@code resumeAfter} (a RECEIPT's position; 0 = from the
     * start of the journal): scope 1 only.
     */
    public static int subscribe(
        final MutableDirectBuffer out, final int offset,
        final long correlationId, final byte scope, final int stateMask,
        final long resumeAfter)
    {
        final int body = beginFrame(out, offset, MessageType.SUBSCRIBE, 0, correlationId);
        return endFrame(out, offset, body + new SubscribeFlyweight().wrapForEncode(out, body)
            .scopeAndMask(scope, stateMask).resumeAfter(resumeAfter).encodedLength());
    }

    /** @param resumeAfter an INBOUND frame's position, 0 for the start of the journal, or -1 for "from now". */
    public static int subscribeInbound(
        final MutableDirectBuffer out, final int offset, final long correlationId, final long resumeAfter)
    {
        final int body = beginFrame(out, offset, MessageType.SUBSCRIBE_INBOUND, 0, correlationId);
        return endFrame(out, offset, body + new SubscribeInboundFlyweight().wrapForEncode(out, body)
            .resumeAfter(resumeAfter).encodedLength());
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
    public static int receipt(
        final MutableDirectBuffer out, final int offset,
        final long messageId, final int state, final int attempts, final int reason, final long atMs)
    {
        receiptFields(out, offset, ReceiptFlyweight.OLDEST_BODY_LENGTH, messageId, state, attempts, reason, atMs);
        return FrameDescriptor.HEADER_LENGTH + ReceiptFlyweight.OLDEST_BODY_LENGTH;
    }

    /** A RECEIPT with the channel the message is on (after a fallback, the new one), as engines before 2026-12 wrote it. */
    public static int receipt(
        final MutableDirectBuffer out, final int offset,
        final long messageId, final int state, final int attempts, final int reason, final long atMs,
        final int channel)
    {
        receiptFields(out, offset, ReceiptFlyweight.CHANNEL_BODY_LENGTH, messageId, state, attempts, reason, atMs)
            .channel(channel);
        return FrameDescriptor.HEADER_LENGTH + ReceiptFlyweight.CHANNEL_BODY_LENGTH;
    }

    private static ReceiptFlyweight receiptFields(final MutableDirectBuffer out, final int offset,
        final int bodyLength, final long messageId, final int state, final int attempts, final int reason,
        final long atMs)
    {
        final ReceiptFlyweight receipt = new ReceiptFlyweight().wrap(out, offset);
        receipt.header(MessageType.RECEIPT, FrameDescriptor.HEADER_LENGTH + bodyLength, 0L);
        return receipt.messageId(messageId).state(state).attempts(attempts).reason(reason).atMs(atMs);
    }

    public static int receiptsDropped(
        final MutableDirectBuffer out, final int offset, final int count)
    {
        final ReceiptsDroppedFlyweight dropped = new ReceiptsDroppedFlyweight().wrap(out, offset);
        dropped.header(MessageType.RECEIPTS_DROPPED, ReceiptsDroppedFlyweight.FRAME_LENGTH, 0L);
        dropped.count(count);
        return ReceiptsDroppedFlyweight.FRAME_LENGTH;
    }

    public static int ping(
        final MutableDirectBuffer out, final int offset, final long correlationId, final long payload)
    {
        return pingPong(out, offset, MessageType.PING, correlationId, payload);
    }

    public static int pong(
        final MutableDirectBuffer out, final int offset, final long correlationId, final long payload)
    {
        return pingPong(out, offset, MessageType.PONG, correlationId, payload);
    }

    private static int pingPong(
        final MutableDirectBuffer out, final int offset, final byte type, final long correlationId, final long payload)
    {
        final int body = beginFrame(out, offset, type, 0, correlationId);
        return endFrame(out, offset,
            body + new PingFlyweight().wrapForEncode(out, body).payload(payload).encodedLength());
    }

    /** A client's GOODBYE: the reason only. */
    public static int goodbye(
        final MutableDirectBuffer out, final int offset, final long correlationId, final int reason)
    {
        final GoodbyeFlyweight goodbye = new GoodbyeFlyweight().wrap(out, offset);
        goodbye.header(MessageType.GOODBYE, GoodbyeFlyweight.REASON_FRAME_LENGTH, correlationId);
        goodbye.reason(reason);
        return GoodbyeFlyweight.REASON_FRAME_LENGTH;
    }

    /**
     * The engine's GOODBYE when it leaves on its own (a drain): the reason is an error code (22 SHUTTING_DOWN)
     * and {@code retryAfterMs} how long the client should wait before it reconnects.
     */
    public static int goodbye(
        final MutableDirectBuffer out, final int offset,
        final long correlationId, final int reason, final long retryAfterMs)
    {
        final GoodbyeFlyweight goodbye = new GoodbyeFlyweight().wrap(out, offset);
        goodbye.header(MessageType.GOODBYE, GoodbyeFlyweight.FRAME_LENGTH, correlationId);
        goodbye.reason(reason).retryAfterMs(retryAfterMs);
        return GoodbyeFlyweight.FRAME_LENGTH;
    }

    public static int campaignControl(
        final MutableDirectBuffer out, final int offset, final long correlationId, final long campaignId,
        final byte action)
    {
        final int body = beginFrame(out, offset, MessageType.CAMPAIGN_CONTROL, 0, correlationId);
        return endFrame(out, offset, body + new CampaignControlFlyweight().wrapForEncode(out, body)
            .campaignIdAndAction(campaignId, action).encodedLength());
    }

    /** @param name looked up when {@code campaignId} is 0 (null or empty otherwise). */
    public static int campaignStats(
        final MutableDirectBuffer out, final int offset, final long correlationId, final long campaignId,
        final String name)
    {
        final byte[] n = name == null ? new byte[0] : name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        final int body = beginFrame(out, offset, MessageType.CAMPAIGN_STATS, 0, correlationId);
        return endFrame(out, offset, body + new CampaignStatsFlyweight().wrapForEncode(out, body)
            .campaignIdAndName(campaignId, n).encodedLength());
    }

    /** Reads a str16 at {@code offset}; for NACK/ERROR details (allocates: not for the hot path). */
    public static String readStr16(final DirectBuffer in, final int offset)
    {
        final int n = in.getShort(offset, LE) & 0xFFFF;
        return in.getStringWithoutLengthUtf8(offset + 2, n);
    }

    public static String readStr8(final DirectBuffer in, final int offset)
    {
        final int n = in.getByte(offset) & 0xFF;
        return in.getStringWithoutLengthUtf8(offset + 1, n);
    }
}
