package io.dispatch.directory;

import org.roaringbitmap.RoaringBitmap;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * One attribute column of a tenant's directory with its index. Its type ({@link io.dispatch.protocol.DirectoryOp}
 * STRING, INT or TIME) is fixed at creation. <b>Note:</b> single writer.
 */
abstract class Attribute
{
    final int id;
    final String name;
    final byte type;

    Attribute(final int id, final String name, final byte type)
    {
        this.id = id;
        this.name = name;
        this.type = type;
    }

    /** Ordinals holding a value (do not mutate). */
    abstract RoaringBitmap exists();

    boolean isSet(final int ordinal)
    {
        return exists().contains(ordinal);
    }

    abstract void unset(int ordinal);

    /** @return bytes of the value as template text written at {@code at}; -1 when unset or it does not fit. */
    abstract int text(int ordinal, byte[] dst, int at);

    abstract long sizeInBytes();

    abstract void write(DataOutput out, int size) throws IOException;

    abstract void read(DataInput in, int size) throws IOException;
}
