package io.dispatch.directory;

import org.roaringbitmap.RoaringBitmap;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
    private final ByteKeyMap<RoaringBitmap> byBytes = new ByteKeyMap<>();

    /** Tags are ASCII ([A-Za-z0-9_:.-], checked by DirectoryOp). */
    void add(final int ordinal, final byte[] b, final int offset, final int length)
    {
        RoaringBitmap bitmap = byBytes.get(b, offset, length);
        if (bitmap == null)
        {
            bitmap = register(new String(b, offset, length, StandardCharsets.US_ASCII), new RoaringBitmap());
        }
        bitmap.add(ordinal);
    }

    void remove(final int ordinal, final byte[] b, final int offset, final int length)
    {
        final RoaringBitmap bitmap = byBytes.get(b, offset, length);
        if (bitmap != null)
        {
            bitmap.remove(ordinal);
        }
    }

    private RoaringBitmap register(final String tag, final RoaringBitmap bitmap)
    {
        byName.put(tag, bitmap);
        byBytes.put(tag.getBytes(StandardCharsets.US_ASCII), bitmap);
        return bitmap;
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
            register(tag, bitmap);
        }
    }
}
