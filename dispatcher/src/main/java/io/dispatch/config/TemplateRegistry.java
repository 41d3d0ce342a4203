package io.dispatch.config;

import io.dispatch.protocol.SubmitFlyweight;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Message templates ({@code template.<id>=text with #{name} placeholders}), looked up by the id bytes of
 * a SUBMIT without allocating. Immutable; safe from any thread.
 */
public final class TemplateRegistry
{
    private static final Pattern PLACEHOLDER = Pattern.compile("#\\{([^}]+)}");

    private final byte[][] ids;
    private final byte[][] texts;
    private final byte[][][] placeholders;
    private final boolean[] adMarked;
    private final TemplateVersions versions = new TemplateVersions();

    public TemplateRegistry(final Map<String, String> templates)
    {
        final int n = templates.size();
        ids = new byte[n][];
        texts = new byte[n][];
        placeholders = new byte[n][][];
        adMarked = new boolean[n];
        int i = 0;
        for (final Map.Entry<String, String> e : templates.entrySet())
        {
            ids[i] = e.getKey().getBytes(StandardCharsets.UTF_8);
            texts[i] = e.getValue().getBytes(StandardCharsets.UTF_8);
            final List<byte[]> names = new ArrayList<>();
            final Matcher m = PLACEHOLDER.matcher(e.getValue());
            while (m.find())
            {
                names.add(m.group(1).getBytes(StandardCharsets.UTF_8));
            }
            placeholders[i] = names.toArray(new byte[0][]);
            adMarked[i] = AdMarking.isMarked(
                io.netty.buffer.Unpooled.wrappedBuffer(texts[i]), 0, texts[i].length);
            i++;
        }
    }

    /** @return true when the template text starts with (광고) and carries a free opt-out notice. */
    public boolean isAdMarked(final int index)
    {
        return adMarked[index];
    }

    /** @return the template index for the id at {@code buffer[offset, offset+length)}, or -1. */
    public int find(final DirectBuffer buffer, final int offset, final int length)
    {
        for (int i = 0; i < ids.length; i++)
        {
            if (ids[i].length == length && equalsAt(buffer, offset, ids[i]))
            {
                return i;
            }
        }
        return -1;
    }

    /** @return the placeholder names of the template, in order of appearance (do not modify). */
    public byte[][] placeholders(final int index)
    {
        return placeholders[index];
    }

    /** @return the template index for an id, or -1. */
    public int find(final String id)
    {
        final byte[] b = id.getBytes(StandardCharsets.UTF_8);
        return find(new UnsafeBuffer(b), 0, b.length);
    }

    public byte[] text(final int index)
    {
        return texts[index];
    }

    /** @return the configured template ids, in the registry's index order. */
    public byte[] id(final int index)
    {
        return ids[index];
    }

    public int size()
    {
        return ids.length;
    }

    /** The versions journaled so far: what accepted messages render with ({@link TemplateVersions}). */
    public TemplateVersions versions()
    {
        return versions;
    }

    /** @return the first placeholder of the template that the submit has no variable for, or null. */
    public String missingVariable(final int index, final SubmitFlyweight submit)
    {
        for (final byte[] name : placeholders[index])
        {
            if (!submit.vars().find(name))
            {
                return new String(name, StandardCharsets.UTF_8);
            }
        }
        return null;
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
