package io.dispatch.cluster;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * What the journal thread tells the feeder about each fed message whose decision a new owner needs: its idempotency
 * key, whether its send counts against a frequency cap, its content-dedup key (docs/design/cluster.md, changelog key
 * {@code 'A'}), and each send decided for it later, at a release or a fallback, that counts against a cap
 * ({@link #LATER_SEND}: key {@code 'S'}).
 * Single producer, single consumer, variable-length entries in a preallocated ring: no allocation on the journal
 * thread; a full ring makes it spin until the feeder drains (as {@link ProgressSignals}).
 * <p>
 * Entry: i64 cluster id, i64 accepted (or decided) at (ms), i32 tenant id, i8 kind, i8 channel, i8 flags, the key
 * (u8 length, bytes), the recipient address (u8 length, bytes), and with {@link #CONTENT} the rest of the SUBMIT body
 * after the address (u16 length, bytes): what the content key hashes with the address.
 */
final class AcceptedEntries
{
    static final int KEYED = 1;
    static final int COUNTS_FOR_CAPS = 2;
    /** A send decided after acceptance (a release, a fallback) on the entry's channel: no key, no content. */
    static final int LATER_SEND = 4;
    /** The content-dedup key travels: the body after the address follows. */
    static final int CONTENT = 8;
    static final int FIXED = 8 + 8 + 4 + 3;
    private static final int MSG = 1;

    private final OneToOneRingBuffer ring;

    AcceptedEntries(final int capacityBytes)
    {
        ring = new OneToOneRingBuffer(new UnsafeBuffer(ByteBuffer.allocateDirect(
            Integer.highestOneBit(capacityBytes - 1) * 2 + RingBufferDescriptor.TRAILER_LENGTH)));
    }

    /**
     * Producer (journal thread). {@code key} and {@code recipient} are length-prefixed at their offsets.
     *
     * @param end with {@link #CONTENT}, where the body ends: the bytes after the recipient up to it travel too.
     */
    void offer(final long clusterId, final long atMs, final int tenantId, final byte kind, final byte channel,
        final int flags, final byte[] body, final int keyAt, final int recipientAt, final int end)
    {
        final int keyLength = body[keyAt] & 0xFF;
        final int recipientLength = body[recipientAt] & 0xFF;
        final int restAt = recipientAt + 1 + recipientLength;
        final int restLength = (flags & CONTENT) != 0 ? end - restAt : 0;
        final int length = FIXED + 2 + keyLength + recipientLength + ((flags & CONTENT) != 0 ? 2 + restLength : 0);
        int index;
        while ((index = ring.tryClaim(MSG, length)) < 0)
        {
            Thread.onSpinWait();
        }
        final MutableDirectBuffer b = ring.buffer();
        b.putLong(index, clusterId);
        b.putLong(index + 8, atMs);
        b.putInt(index + 16, tenantId);
        b.putByte(index + 20, kind);
        b.putByte(index + 21, channel);
        b.putByte(index + 22, (byte)flags);
        b.putBytes(index + FIXED, body, keyAt, 1 + keyLength);
        b.putBytes(index + FIXED + 1 + keyLength, body, recipientAt, 1 + recipientLength);
        if ((flags & CONTENT) != 0)
        {
            final int at = index + FIXED + 2 + keyLength + recipientLength;
            b.putShort(at, (short)restLength, ByteOrder.BIG_ENDIAN); // read back with a ByteBuffer
            b.putBytes(at + 2, body, restAt, restLength);
        }
        ring.commit(index);
    }

    /** Consumer (feeder thread). @return entries handled. */
    int drain(final org.agrona.concurrent.MessageHandler handler)
    {
        return ring.read(handler);
    }
}
