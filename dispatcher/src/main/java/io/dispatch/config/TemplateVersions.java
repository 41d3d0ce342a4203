package io.dispatch.config;

import org.agrona.DirectBuffer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Every text each template had, by the journal index from which it was in force ({@code TEMPLATE} records,
 * journaled at start when the configuration changes a template). A message renders with the version in force
 * when it was accepted — the last one before its id, which is its journal index — so changing or removing a
 * template affects only messages accepted after the change. Filled before the lanes start (recovery, then the
 * start-up check), read-only after: safe from any thread once they run.
 */
public final class TemplateVersions
{
    private final List<byte[]> ids = new ArrayList<>();
    private final List<long[]> fromIndex = new ArrayList<>();
    private final List<byte[][]> texts = new ArrayList<>();

    /** Adds a version in force from journal index {@code index}; versions of one id come in index order. */
    public void add(final byte[] id, final long index, final byte[] text)
    {
        int i = indexOf(id);
        if (i < 0)
        {
            ids.add(id);
            fromIndex.add(new long[0]);
            texts.add(new byte[0][]);
            i = ids.size() - 1;
        }
        final long[] from = Arrays.copyOf(fromIndex.get(i), fromIndex.get(i).length + 1);
        final byte[][] versions = Arrays.copyOf(texts.get(i), texts.get(i).length + 1);
        from[from.length - 1] = index;
        versions[versions.length - 1] = text;
        fromIndex.set(i, from);
        texts.set(i, versions);
    }

    /** @return the newest version of the template, or null when none was journaled. */
    public byte[] latest(final byte[] id)
    {
        final int i = indexOf(id);
        if (i < 0)
        {
            return null;
        }
        final byte[][] t = texts.get(i);
        return t[t.length - 1];
    }

    /**
     * @return the text of the template named at {@code buffer[offset, offset+length)} as it was when message
     * {@code messageId} was accepted (the earliest version for a message older than every journaled one), or null
     * when no version of it was journaled.
     */
    public byte[] textAt(final DirectBuffer buffer, final int offset, final int length, final long messageId)
    {
        for (int i = 0; i < ids.size(); i++)
        {
            final byte[] id = ids.get(i);
            if (id.length == length && equalsAt(buffer, offset, id))
            {
                final long[] from = fromIndex.get(i);
                int v = 0;
                while (v + 1 < from.length && from[v + 1] < messageId)
                {
                    v++;
                }
                return texts.get(i)[v];
            }
        }
        return null;
    }

    private int indexOf(final byte[] id)
    {
        for (int i = 0; i < ids.size(); i++)
        {
            if (Arrays.equals(ids.get(i), id))
            {
                return i;
            }
        }
        return -1;
    }

    private static boolean equalsAt(final DirectBuffer b, final int offset, final byte[] wanted)
    {
        for (int i = 0; i < wanted.length; i++)
        {
            if (b.getByte(offset + i) != wanted[i])
            {
                return false;
            }
        }
        return true;
    }
}
