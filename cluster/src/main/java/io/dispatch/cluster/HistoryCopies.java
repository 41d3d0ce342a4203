package io.dispatch.cluster;

import io.dispatch.admin.MessageHistoryRoute;
import io.dispatch.journal.AcceptedRecord;
import io.dispatch.journal.MessageHistory;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.SubmitDescriptor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * One node's copy of a message's history as a {@link ClusterHistory#COPY} answer carries it, so that the asking node
 * can merge the copies of a message two owners handled (before and after its partition moved) into one history.
 * <p>
 * Little-endian, after the answer's header: str8 node, i64 local id; the acceptance: u8 kind, u8 channel,
 * i64 acceptedAtMs, str8 tenant, str8 idempotency key, u8 decision, i16 reason, i64 dueAtMs, i64 campaignId,
 * i64 sourceId; u8 end, i64 documents read; i32 changes, each i64 atMs, u8 state, i16 attempts, u8 channel,
 * i16 reason, str16 address (length -1: none); i32 late receipts, each i64 atMs, u8 state, u8 channel, i16 reason.
 */
final class HistoryCopies
{
    private HistoryCopies()
    {
    }

    static byte[] encode(final String node, final long localId, final MessageHistory h)
    {
        final AcceptedRecord a = h.accepted;
        final byte[] name = bytes8(node);
        final int keyLength = a.body[SubmitDescriptor.FIXED_LENGTH] & 0xFF;
        int size = 1 + name.length + 8 + 1 + 1 + 8 + 1 + a.tenantNameLength + 1 + keyLength + 1 + 2 + 8 + 8 + 8 +
            1 + 8 + 4 + 4 + h.lateReceipts.size() * (8 + 1 + 1 + 2);
        for (final MessageHistory.Change c : h.changes)
        {
            size += 8 + 1 + 2 + 1 + 2 + 2 + (c.address() == null ? 0 : c.address().getBytes(StandardCharsets.UTF_8).length);
        }
        final ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte)name.length).put(name).putLong(localId);
        b.put(a.kind).put(a.channel).putLong(a.acceptedAtMs);
        b.put((byte)a.tenantNameLength).put(a.tenantName, 0, a.tenantNameLength);
        b.put((byte)keyLength).put(a.body, SubmitDescriptor.FIXED_LENGTH + 1, keyLength);
        b.put(a.decision).putShort(a.reason).putLong(a.dueAtMs).putLong(a.campaignId).putLong(a.sourceId);
        b.put((byte)h.end.ordinal()).putLong(h.documentsRead);
        b.putInt(h.changes.size());
        for (final MessageHistory.Change c : h.changes)
        {
            b.putLong(c.atMs()).put((byte)c.state().code()).putShort((short)c.attempts()).put(c.channel())
                .putShort(c.reason());
            if (c.address() == null)
            {
                b.putShort((short)-1);
            }
            else
            {
                final byte[] address = c.address().getBytes(StandardCharsets.UTF_8);
                b.putShort((short)address.length).put(address);
            }
        }
        b.putInt(h.lateReceipts.size());
        for (final MessageHistory.LateReceipt r : h.lateReceipts)
        {
            b.putLong(r.atMs()).put((byte)r.state().code()).put(r.channel()).putShort(r.reason());
        }
        return b.array();
    }

    /** @throws java.nio.BufferUnderflowException when the value is cut short. */
    static MessageHistoryRoute.Copy decode(final ByteBuffer b)
    {
        final String node = string8(b);
        final long localId = b.getLong();
        final MessageHistory h = new MessageHistory();
        final AcceptedRecord a = h.accepted;
        a.kind = b.get();
        a.channel = b.get();
        a.acceptedAtMs = b.getLong();
        a.tenantNameLength = b.get() & 0xFF;
        b.get(a.tenantName, 0, a.tenantNameLength);
        final int keyLength = b.get() & 0xFF;
        a.body[SubmitDescriptor.FIXED_LENGTH] = (byte)keyLength;
        b.get(a.body, SubmitDescriptor.FIXED_LENGTH + 1, keyLength);
        a.bodyLength = SubmitDescriptor.FIXED_LENGTH + 1 + keyLength;
        a.decision = b.get();
        a.reason = b.getShort();
        a.dueAtMs = b.getLong();
        a.campaignId = b.getLong();
        a.sourceId = b.getLong();
        h.end = MessageHistory.End.values()[b.get()];
        h.documentsRead = b.getLong();
        for (int i = b.getInt(); i > 0; i--)
        {
            final long atMs = b.getLong();
            final DeliveryState state = DeliveryState.of(b.get());
            final int attempts = b.getShort();
            final byte channel = b.get();
            final short reason = b.getShort();
            final int addressLength = b.getShort();
            String address = null;
            if (addressLength >= 0)
            {
                final byte[] bytes = new byte[addressLength];
                b.get(bytes);
                address = new String(bytes, StandardCharsets.UTF_8);
            }
            h.changes.add(new MessageHistory.Change(atMs, state, attempts, channel, reason, address));
        }
        for (int i = b.getInt(); i > 0; i--)
        {
            h.lateReceipts.add(new MessageHistory.LateReceipt(b.getLong(), DeliveryState.of(b.get()), b.get(),
                b.getShort()));
        }
        return new MessageHistoryRoute.Copy(node, localId, h);
    }

    private static byte[] bytes8(final String s)
    {
        final byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        return bytes.length <= 255 ? bytes : java.util.Arrays.copyOf(bytes, 255);
    }

    private static String string8(final ByteBuffer b)
    {
        final byte[] bytes = new byte[b.get() & 0xFF];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
