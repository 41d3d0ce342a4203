package io.dispatch.targeting;

import org.agrona.ExpandableArrayBuffer;

import java.nio.ByteOrder;

/**
 * Layouts of the directory queue's records (little-endian), and a reusable writer for them.
 * <pre>
 * OPS               u8 1, i64 atEpochMs, str8 tenant, u16 count, count x (u16 length, DirectoryOp)
 *                   (only ops that were applied: a rejected op is never journaled)
 * CAMPAIGN          u8 2, i64 atEpochMs, str8 tenant, then the CAMPAIGN frame body; its index is the campaign id
 * CAMPAIGN_STARTED  u8 3, i64 campaignId, i64 atEpochMs, u32 targeted, then the audience: the recipients'
 *                   ordinals as a serialized RoaringBitmap, so a restart fans out to exactly the same people
 * CAMPAIGN_CONTROL  u8 4, i64 campaignId, i64 atEpochMs, u8 state the campaign moved to (CampaignDescriptor)
 * CAMPAIGN_PROGRESS u8 5, i64 campaignId, u32 position: audience members handed to the ring so far (all of
 *                   them journaled), u32 unreachable, u32 senderOptedOut: the fan-out's own counts up to it
 * CAMPAIGN_AUDIENCE u8 6, i64 campaignId, i64 atEpochMs, u32 unreachable, u32 senderOptedOut, i32 targeted change,
 *                   then the audience still to fan out to, from position 0 (cluster mode: a partition taken over
 *                   added its unhandled recipients to it, and took out those another node handled)
 * CAMPAIGN_MOVED    u8 7, i64 campaignId, u32 moved: recipients skipped so far because their partition moved to
 *                   another node (cluster mode; written before the progress record that passes them)
 * </pre>
 */
final class DirectoryRecords
{
    static final byte OPS = 1;
    static final byte CAMPAIGN = 2;
    static final byte CAMPAIGN_STARTED = 3;
    static final byte CAMPAIGN_CONTROL = 4;
    static final byte CAMPAIGN_PROGRESS = 5;
    static final byte CAMPAIGN_AUDIENCE = 6;
    static final byte CAMPAIGN_MOVED = 7;

    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(64 * 1024);
    private int length;

    DirectoryRecords start(final byte type)
    {
        length = 0;
        return u8(type);
    }

    DirectoryRecords u8(final int v)
    {
        buffer.putByte(length, (byte)v);
        length += 1;
        return this;
    }

    DirectoryRecords u16(final int v)
    {
        buffer.putShort(length, (short)v, ByteOrder.LITTLE_ENDIAN);
        length += 2;
        return this;
    }

    DirectoryRecords i32(final int v)
    {
        buffer.putInt(length, v, ByteOrder.LITTLE_ENDIAN);
        length += 4;
        return this;
    }

    DirectoryRecords i64(final long v)
    {
        buffer.putLong(length, v, ByteOrder.LITTLE_ENDIAN);
        length += 8;
        return this;
    }

    DirectoryRecords str8(final byte[] v)
    {
        u8(v.length);
        return bytes(v, 0, v.length);
    }

    DirectoryRecords bytes(final byte[] v, final int offset, final int n)
    {
        buffer.putBytes(length, v, offset, n);
        length += n;
        return this;
    }

    /** Overwrites a u16 written earlier (a count known only at the end). */
    void putU16(final int at, final int v)
    {
        buffer.putShort(at, (short)v, ByteOrder.LITTLE_ENDIAN);
    }

    int length()
    {
        return length;
    }

    byte[] array()
    {
        return buffer.byteArray();
    }

    static int u8(final byte[] b, final int at)
    {
        return b[at] & 0xFF;
    }

    static int u16(final byte[] b, final int at)
    {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
    }

    static int i32(final byte[] b, final int at)
    {
        return u16(b, at) | u16(b, at + 2) << 16;
    }

    static long i64(final byte[] b, final int at)
    {
        return (i32(b, at) & 0xFFFF_FFFFL) | (long)i32(b, at + 4) << 32;
    }
}
