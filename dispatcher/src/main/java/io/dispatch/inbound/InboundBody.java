package io.dispatch.inbound;

import io.dispatch.connector.InboundEvent;
import io.dispatch.policy.DedupIndex;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.ConsentFlags;
import io.dispatch.protocol.ConsentFrame;
import io.dispatch.protocol.InboundFlyweight;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Layout of an {@link InboundEvent} in the ring slot's body and, after the tenant name, in the journal's INBOUND
 * record (little-endian); an INBOUND frame carries it unchanged after the position, so the offsets are
 * {@link InboundFlyweight}'s {@code EVENT_*}:
 * <pre>
 *  0 u8  kind (InboundEvent.Kind ordinal)   1 u8 channel   2 i64 inReplyTo   10 i64 receivedAtEpochMs
 * 18 str8 from   str8 to   str8 providerEventId   str16 text   u32 payloadLength, payload
 * </pre>
 * The tenant is not in the body: the ring slot carries its id and the journal record its name. Inbound events are
 * rare next to outbound messages, so encoding and decoding allocate.
 */
public final class InboundBody
{
    public static final int KIND_OFFSET = InboundFlyweight.EVENT_KIND_OFFSET;
    public static final int CHANNEL_OFFSET = InboundFlyweight.EVENT_CHANNEL_OFFSET;
    public static final int IN_REPLY_TO_OFFSET = InboundFlyweight.EVENT_IN_REPLY_TO_OFFSET;
    public static final int RECEIVED_AT_OFFSET = InboundFlyweight.EVENT_RECEIVED_AT_OFFSET;
    public static final int FROM_LENGTH_OFFSET = InboundFlyweight.EVENT_FROM_LENGTH_OFFSET;
    /** Text longer than this (bytes) is refused: the wire's str16. */
    public static final int MAX_TEXT_BYTES = 65_535;
    /** The whole body; a larger event (its payload, mostly) is refused rather than cut. */
    public static final int MAX_BODY_BYTES = 256 * 1024;
    private static final InboundEvent.Kind[] KINDS = InboundEvent.Kind.values();

    private InboundBody()
    {
    }

    /** @return the encoded body, or null when a field is too long for the layout (named by {@link #problem}). */
    public static byte[] encode(final InboundEvent e)
    {
        if (problem(e) != null)
        {
            return null;
        }
        final byte[] from = utf8(e.from());
        final byte[] to = utf8(e.to());
        final byte[] eventId = utf8(e.providerEventId());
        final byte[] text = utf8(e.text());
        final byte[] payload = utf8(e.payload());
        final ByteBuffer b = ByteBuffer.allocate(FROM_LENGTH_OFFSET + 3 + from.length + to.length + eventId.length +
            2 + text.length + 4 + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte)e.kind().ordinal()).put(e.channel().code()).putLong(e.inReplyTo()).putLong(e.receivedAtMs());
        b.put((byte)from.length).put(from).put((byte)to.length).put(to).put((byte)eventId.length).put(eventId);
        b.putShort((short)text.length).put(text).putInt(payload.length).put(payload);
        return b.array();
    }

    /** @return null when the event fits the layout, else what does not (for the connector's log line). */
    public static String problem(final InboundEvent e)
    {
        if (utf8(e.from()).length == 0 || utf8(e.from()).length > 255)
        {
            return "from: 1..255 bytes";
        }
        if (utf8(e.to()).length > 255)
        {
            return "to: at most 255 bytes";
        }
        if (utf8(e.providerEventId()).length > 255)
        {
            return "providerEventId: at most 255 bytes";
        }
        final int text = utf8(e.text()).length;
        if (text > MAX_TEXT_BYTES)
        {
            return "text: at most " + MAX_TEXT_BYTES + " bytes";
        }
        if (text + utf8(e.payload()).length + 800 > MAX_BODY_BYTES)
        {
            return "payload: the event is larger than " + MAX_BODY_BYTES + " bytes";
        }
        return null;
    }

    /** @param tenant the tenant's name (not in the body). */
    public static InboundEvent decode(final String tenant, final byte[] b, final int offset, final int length)
    {
        final ByteBuffer in = ByteBuffer.wrap(b, offset, length).order(ByteOrder.LITTLE_ENDIAN);
        final InboundEvent.Kind kind = KINDS[in.get() & 0xFF];
        final ChannelType channel = ChannelType.of(in.get());
        final long inReplyTo = in.getLong();
        final long at = in.getLong();
        final String from = str(in, in.get() & 0xFF);
        final String to = str(in, in.get() & 0xFF);
        final String eventId = str(in, in.get() & 0xFF);
        final String text = str(in, in.getShort() & 0xFFFF);
        final String payload = str(in, in.getInt());
        return new InboundEvent(kind, tenant, channel, from, to, inReplyTo, text, payload, eventId, at);
    }

    public static InboundEvent.Kind kind(final byte[] b)
    {
        return KINDS[b[KIND_OFFSET] & 0xFF];
    }

    /** @return the offset of the {@code to} length byte. */
    public static int toAt(final byte[] b)
    {
        return FROM_LENGTH_OFFSET + 1 + (b[FROM_LENGTH_OFFSET] & 0xFF);
    }

    /** @return the offset of the providerEventId length byte. */
    public static int eventIdAt(final byte[] b)
    {
        final int toAt = toAt(b);
        return toAt + 1 + (b[toAt] & 0xFF);
    }

    public static String to(final byte[] b)
    {
        final int at = toAt(b);
        return new String(b, at + 1, b[at] & 0xFF, StandardCharsets.UTF_8);
    }

    /**
     * @return the key redeliveries of an event share (tenant, channel, platform event id), 0 when it has no id.
     */
    public static long eventKey(final int tenantId, final byte[] b)
    {
        final int idAt = eventIdAt(b);
        final int length = b[idAt] & 0xFF;
        if (length == 0)
        {
            return 0;
        }
        final long key = DedupIndex.hash(tenantId * 31 + b[CHANNEL_OFFSET], b, idAt + 1, length);
        return key == 0 ? 1 : key;
    }

    /** Whether the event changes the recipient's consent (and is journaled with a CONSENT record as evidence). */
    public static boolean changesConsent(final InboundEvent.Kind kind)
    {
        return kind == InboundEvent.Kind.CONSENT_GRANTED || kind == InboundEvent.Kind.CONSENT_WITHDRAWN ||
            kind == InboundEvent.Kind.OPT_OUT;
    }

    /**
     * Writes the CONSENT body ({@link ConsentFrame}) a consent event stands for, on the event's channel for its
     * sender: a grant sets ad consent and lifts an opt-out; a withdrawal or an opt-out clears ad and night-ad consent
     * and sets the opt-out, so marketing is suppressed even where the recipient's earlier consent is on file. The
     * source (the ledger's evidence) names the channel, the kind and the platform's event id.
     *
     * @return the body's length, or 0 when the event changes no consent.
     */
    public static int consentBody(final byte[] b, final byte[] into)
    {
        final InboundEvent.Kind kind = kind(b);
        if (!changesConsent(kind))
        {
            return 0;
        }
        final int set = kind == InboundEvent.Kind.CONSENT_GRANTED ? ConsentFlags.AD : ConsentFlags.OPTED_OUT;
        final int clear = kind == InboundEvent.Kind.CONSENT_GRANTED ?
            ConsentFlags.OPTED_OUT : ConsentFlags.AD | ConsentFlags.NIGHT_AD;
        ConsentFrame.putHeader(into, b[CHANNEL_OFFSET], ConsentFrame.CONSENT, set, clear);
        final int fromLength = b[FROM_LENGTH_OFFSET] & 0xFF;
        int p = ConsentFrame.RECIPIENT_LENGTH_OFFSET;
        into[p++] = (byte)fromLength;
        System.arraycopy(b, FROM_LENGTH_OFFSET + 1, into, p, fromLength);
        p += fromLength;
        final ChannelType channel = ChannelType.of(b[CHANNEL_OFFSET]);
        final int idAt = eventIdAt(b);
        final String source = "inbound " + (channel == null ? "?" : channel.name().toLowerCase(java.util.Locale.ROOT)) +
            " " + kind.name().toLowerCase(java.util.Locale.ROOT) + " event " +
            new String(b, idAt + 1, b[idAt] & 0xFF, StandardCharsets.UTF_8);
        final byte[] s = cut(utf8(source));
        into[p++] = (byte)s.length;
        System.arraycopy(s, 0, into, p, s.length);
        return p + s.length;
    }

    /** Room a {@link #consentBody} needs. */
    public static final int MAX_CONSENT_BODY = ConsentFrame.RECIPIENT_LENGTH_OFFSET + 2 + 255 + 255;

    private static byte[] cut(final byte[] s)
    {
        if (s.length <= 255)
        {
            return s;
        }
        int end = 255;
        while ((s[end] & 0xC0) == 0x80)
        {
            end--; // never cut a UTF-8 sequence in two
        }
        return java.util.Arrays.copyOf(s, end);
    }

    private static String str(final ByteBuffer in, final int length)
    {
        final String s = new String(in.array(), in.arrayOffset() + in.position(), length, StandardCharsets.UTF_8);
        in.position(in.position() + length);
        return s;
    }

    private static byte[] utf8(final String s)
    {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
