package io.dispatch.directory;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Dictionary encoding of low-cardinality strings (attribute values, consent sources): ids from 1 in first-use
 * order, so replaying a journal gives the same ids; 0 means "none". Entries are never removed.
 * <b>Note:</b> single writer.
 */
final class StringDictionary
{
    private final Map<String, Integer> ids = new HashMap<>();
    private final ByteKeyMap<Integer> idsByBytes = new ByteKeyMap<>();
    private final List<byte[]> values = new ArrayList<>();

    StringDictionary()
    {
        values.add(null);
    }

    int idOf(final String value)
    {
        final Integer id = ids.get(value);
        if (id != null)
        {
            return id;
        }
        return add(value, value.getBytes(StandardCharsets.UTF_8));
    }

    /** As {@link #idOf(String)} for UTF-8 bytes of an op; allocates only for a value never seen. */
    int idOf(final byte[] b, final int offset, final int length)
    {
        final Integer id = idsByBytes.get(b, offset, length);
        if (id != null)
        {
            return id;
        }
        final String value = new String(b, offset, length, StandardCharsets.UTF_8);
        final Integer known = ids.get(value);
        return known != null ? known : add(value, Arrays.copyOfRange(b, offset, offset + length));
    }

    private int add(final String value, final byte[] bytes)
    {
        final int next = values.size();
        ids.put(value, next);
        idsByBytes.put(bytes, next);
        values.add(bytes);
        return next;
    }

    /** @return the id, or 0 when the value was never seen. */
    int find(final String value)
    {
        final Integer id = ids.get(value);
        return id == null ? 0 : id;
    }

    byte[] bytes(final int id)
    {
        return values.get(id);
    }

    String value(final int id)
    {
        return new String(values.get(id), StandardCharsets.UTF_8);
    }

    int size()
    {
        return values.size() - 1;
    }

    void write(final DataOutput out) throws IOException
    {
        out.writeInt(size());
        for (int id = 1; id < values.size(); id++)
        {
            out.writeUTF(value(id));
        }
    }

    void read(final DataInput in) throws IOException
    {
        final int count = in.readInt();
        for (int i = 0; i < count; i++)
        {
            idOf(in.readUTF());
        }
    }
}
