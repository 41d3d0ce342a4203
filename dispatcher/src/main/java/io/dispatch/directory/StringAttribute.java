package io.dispatch.directory;

import io.dispatch.protocol.DirectoryOp;
import org.roaringbitmap.RoaringBitmap;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A dictionary-encoded STRING attribute with one equality bitmap per distinct value: meant for low-cardinality
 * values (gender, region, grade). Each distinct value costs a dictionary entry and a bitmap (about 100 bytes
 * when small); a value per recipient costs a 4-byte dictionary id plus its bitmap bit.
 */
final class StringAttribute extends Attribute
{
    private final StringDictionary dictionary = new StringDictionary();
    private final IntColumn valueIds = new IntColumn();
    private final List<RoaringBitmap> byValue = new ArrayList<>();
    private final RoaringBitmap exists = new RoaringBitmap();

    StringAttribute(final int id, final String name)
    {
        super(id, name, DirectoryOp.STRING);
        byValue.add(null);
    }

    void set(final int ordinal, final byte[] b, final int offset, final int length)
    {
        final int valueId = dictionary.idOf(b, offset, length);
        final int old = valueIds.get(ordinal);
        if (old == valueId)
        {
            return;
        }
        if (old != 0)
        {
            byValue.get(old).remove(ordinal);
        }
        while (byValue.size() <= valueId)
        {
            byValue.add(new RoaringBitmap());
        }
        byValue.get(valueId).add(ordinal);
        valueIds.set(ordinal, valueId);
        exists.add(ordinal);
    }

    @Override
    void unset(final int ordinal)
    {
        final int old = valueIds.get(ordinal);
        if (old != 0)
        {
            byValue.get(old).remove(ordinal);
            valueIds.set(ordinal, 0);
            exists.remove(ordinal);
        }
    }

    @Override
    RoaringBitmap exists()
    {
        return exists;
    }

    @Override
    boolean isSet(final int ordinal)
    {
        return valueIds.get(ordinal) != 0;
    }

    /** @return a new bitmap of the ordinals of the filter whose value equals one of the values. */
    RoaringBitmap equalToAny(final List<String> values, final RoaringBitmap filter)
    {
        if (values.size() == 1)
        {
            // the common `attr = 'v'`: one intersection, not an intersection copied into an empty bitmap
            final int valueId = dictionary.find(values.get(0));
            return valueId == 0 ? new RoaringBitmap() : RoaringBitmap.and(byValue.get(valueId), filter);
        }
        final RoaringBitmap result = new RoaringBitmap();
        for (final String value : values)
        {
            final int valueId = dictionary.find(value);
            if (valueId != 0)
            {
                result.or(RoaringBitmap.and(byValue.get(valueId), filter));
            }
        }
        return result;
    }

    /** The value of the ordinal, or null: for brute-force checks, not the hot path. */
    String value(final int ordinal)
    {
        final int valueId = valueIds.get(ordinal);
        return valueId == 0 ? null : dictionary.value(valueId);
    }

    @Override
    int text(final int ordinal, final byte[] dst, final int at)
    {
        final int valueId = valueIds.get(ordinal);
        if (valueId == 0)
        {
            return -1;
        }
        final byte[] bytes = dictionary.bytes(valueId);
        if (at + bytes.length > dst.length)
        {
            return -1;
        }
        System.arraycopy(bytes, 0, dst, at, bytes.length);
        return bytes.length;
    }

    @Override
    long sizeInBytes()
    {
        long bytes = exists.getLongSizeInBytes();
        for (int i = 1; i < byValue.size(); i++)
        {
            bytes += byValue.get(i).getLongSizeInBytes();
        }
        return bytes;
    }

    @Override
    void write(final DataOutput out, final int size) throws IOException
    {
        dictionary.write(out);
        valueIds.write(out, size);
    }

    @Override
    void read(final DataInput in, final int size) throws IOException
    {
        dictionary.read(in);
        valueIds.read(in, size);
        for (int i = 0; i < dictionary.size(); i++)
        {
            byValue.add(new RoaringBitmap());
        }
        // The bitmaps are rebuilt in ordinal order: appends, the cheap case for Roaring.
        for (int ordinal = 0; ordinal < size; ordinal++)
        {
            final int valueId = valueIds.get(ordinal);
            if (valueId != 0)
            {
                byValue.get(valueId).add(ordinal);
                exists.add(ordinal);
            }
        }
    }
}
