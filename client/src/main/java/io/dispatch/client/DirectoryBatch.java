package io.dispatch.client;

import io.dispatch.protocol.DirectoryOp;
import io.dispatch.protocol.DirectoryOpWriter;
import io.dispatch.protocol.FrameDescriptor;

import java.util.Arrays;

/**
 * The ops of one DIRECTORY_UPDATE frame (docs/protocol.md), encoded as they go on the wire: at most
 * {@link DirectoryOp#MAX_BATCH_COUNT} ops and at most the engine's frame cap in bytes. {@link #tryAdd} says
 * when the batch is full, so a caller fills one, sends it with {@link DispatchClient#updateDirectory} and starts
 * the next. The batch does not validate ops (use {@link DirectoryOp#validate()}): the engine rejects a bad op by
 * its index in the batch and applies the others.
 * <p>
 * <b>Note:</b> not thread-safe. {@link DispatchClient#updateDirectory} copies the bytes, so the batch may be
 * cleared and reused as soon as that call returns.
 */
public final class DirectoryBatch
{
    /** Header plus u16 count and u16 reserved. */
    static final int FRAME_OVERHEAD = FrameDescriptor.HEADER_LENGTH + DirectoryOp.BATCH_HEADER_LENGTH;
    /** The u16 length before each op. */
    static final int ITEM_OVERHEAD = 2;

    private final int maxFrameLength;
    private byte[] items = new byte[4096];
    private int itemsLength;
    private int count;

    /** A batch bounded by the engine's default frame cap (1 MiB). */
    public DirectoryBatch()
    {
        this(FrameDescriptor.DEFAULT_MAX_FRAME_LENGTH);
    }

    /** @param maxFrameLength the largest frame, header included, this batch may become. */
    public DirectoryBatch(final int maxFrameLength)
    {
        if (maxFrameLength < FRAME_OVERHEAD + ITEM_OVERHEAD + 2)
        {
            throw new IllegalArgumentException("maxFrameLength " + maxFrameLength + " leaves no room for an op");
        }
        this.maxFrameLength = maxFrameLength;
    }

    /**
     * Appends one encoded op unless the batch is full.
     *
     * @return false, leaving the batch unchanged, when the op would exceed the op count or the frame cap.
     * @throws IllegalArgumentException when the op is empty or longer than {@link DirectoryOp#MAX_OP_LENGTH}.
     */
    public boolean tryAdd(final byte[] op, final int offset, final int length)
    {
        if (length < 1 || length > DirectoryOp.MAX_OP_LENGTH - 1)
        {
            throw new IllegalArgumentException("op length " + length + " (1.." + (DirectoryOp.MAX_OP_LENGTH - 1) + ")");
        }
        if (count == DirectoryOp.MAX_BATCH_COUNT || frameLength() + ITEM_OVERHEAD + length > maxFrameLength)
        {
            return false;
        }
        if (itemsLength + ITEM_OVERHEAD + length > items.length)
        {
            items = Arrays.copyOf(items, Math.max(items.length * 2, itemsLength + ITEM_OVERHEAD + length));
        }
        items[itemsLength++] = (byte)length;
        items[itemsLength++] = (byte)(length >>> 8);
        System.arraycopy(op, offset, items, itemsLength, length);
        itemsLength += length;
        count++;
        return true;
    }

    /** Appends the op the writer holds unless the batch is full; see {@link #tryAdd(byte[], int, int)}. */
    public boolean tryAdd(final DirectoryOpWriter op)
    {
        return tryAdd(op.buffer(), 0, op.length());
    }

    /**
     * Appends one encoded op.
     *
     * @throws IllegalStateException when the batch is full.
     */
    public DirectoryBatch add(final byte[] op)
    {
        if (!tryAdd(op, 0, op.length))
        {
            throw new IllegalStateException("batch full: " + count + " ops, " + frameLength() + " bytes");
        }
        return this;
    }

    /** @return the number of ops; the engine reports rejections by their index, 0-based, in this order. */
    public int size()
    {
        return count;
    }

    public boolean isEmpty()
    {
        return count == 0;
    }

    /** @return the length of the DIRECTORY_UPDATE frame this batch makes, header included. */
    public int frameLength()
    {
        return FRAME_OVERHEAD + itemsLength;
    }

    /** Empties the batch for reuse. */
    public void clear()
    {
        count = 0;
        itemsLength = 0;
    }

    /** @return the items (u16 length, op) as they follow the batch header, copied. */
    byte[] copyItems()
    {
        return Arrays.copyOf(items, itemsLength);
    }
}
