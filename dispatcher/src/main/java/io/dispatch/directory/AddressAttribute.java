package io.dispatch.directory;

import io.dispatch.protocol.DirectoryOp;
import org.roaringbitmap.RoaringBitmap;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * A per-recipient unique STRING (phone, chat_key): bytes in the tenant's {@link ByteArena}, no equality
 * index (one bitmap per phone number would cost more than the directory), only an existence bitmap.
 */
final class AddressAttribute extends Attribute
{
    private final ByteArena arena;
    private final LongColumn refs = new LongColumn();
    private final RoaringBitmap exists = new RoaringBitmap();

    AddressAttribute(final int id, final String name, final ByteArena arena)
    {
        super(id, name, DirectoryOp.STRING);
        this.arena = arena;
    }

    void set(final int ordinal, final byte[] b, final int offset, final int length)
    {
        final long ref = refs.get(ordinal);
        if (ref != 0 && arena.equals(ref, b, offset, length))
        {
            return;
        }
        refs.set(ordinal, arena.append(b, offset, length));
        exists.add(ordinal);
    }

    @Override
    void unset(final int ordinal)
    {
        if (refs.get(ordinal) != 0)
        {
            refs.set(ordinal, 0);
            exists.remove(ordinal);
        }
    }

    @Override
    boolean isSet(final int ordinal)
    {
        return refs.get(ordinal) != 0;
    }

    /** The arena reference of the ordinal's value, 0 when unset. */
    long ref(final int ordinal)
    {
        return refs.get(ordinal);
    }

    @Override
    RoaringBitmap exists()
    {
        return exists;
    }

    @Override
    int text(final int ordinal, final byte[] dst, final int at)
    {
        final long ref = refs.get(ordinal);
        return ref == 0 ? -1 : arena.copyTo(ref, dst, at);
    }

    @Override
    long sizeInBytes()
    {
        return exists.getLongSizeInBytes();
    }

    @Override
    void write(final DataOutput out, final int size) throws IOException
    {
        refs.write(out, size);
    }

    @Override
    void read(final DataInput in, final int size) throws IOException
    {
        refs.read(in, size);
        for (int ordinal = 0; ordinal < size; ordinal++)
        {
            if (refs.get(ordinal) != 0)
            {
                exists.add(ordinal);
            }
        }
    }
}
