package io.dispatch.directory;

import org.roaringbitmap.RoaringBitmap;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One bitmap per tag, in first-use order. A recipient's tags are not listed per recipient: clearing them
 * (UPSERT, DELETE) removes the ordinal from every tag bitmap, which suits tag vocabularies of tens to
 * hundreds. <b>Note:</b> single writer.
 */
final class Tags
{
    private final Map<String, RoaringBitmap> byName = new LinkedHashMap<>();

    void add(final int ordinal, final String tag)
    {
        byName.computeIfAbsent(tag, t -> new RoaringBitmap()).add(ordinal);
    }

    void remove(final int ordinal, final String tag)
    {
        final RoaringBitmap bitmap = byName.get(tag);
        if (bitmap != null)
        {
            bitmap.remove(ordinal);
        }
    }

    void clear(final int ordinal)
    {
        for (final RoaringBitmap bitmap : byName.values())
        {
            bitmap.remove(ordinal);
        }
    }

    /** The tag's bitmap (do not mutate), or null for a tag never used. */
    RoaringBitmap get(final String tag)
    {
        return byName.get(tag);
    }

    boolean has(final int ordinal, final String tag)
    {
        final RoaringBitmap bitmap = byName.get(tag);
        return bitmap != null && bitmap.contains(ordinal);
    }

    long sizeInBytes()
    {
        long bytes = 0;
        for (final RoaringBitmap bitmap : byName.values())
        {
            bytes += bitmap.getLongSizeInBytes();
        }
        return bytes;
    }

    void write(final DataOutput out) throws IOException
    {
        out.writeInt(byName.size());
        for (final Map.Entry<String, RoaringBitmap> e : byName.entrySet())
        {
            out.writeUTF(e.getKey());
            e.getValue().serialize(out);
        }
    }

    void read(final DataInput in) throws IOException
    {
        final int count = in.readInt();
        for (int i = 0; i < count; i++)
        {
            final String tag = in.readUTF();
            final RoaringBitmap bitmap = new RoaringBitmap();
            bitmap.deserialize(in);
            byName.put(tag, bitmap);
        }
    }
}
