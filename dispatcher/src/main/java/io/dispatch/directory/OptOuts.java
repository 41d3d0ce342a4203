package io.dispatch.directory;

import org.agrona.collections.Long2LongHashMap;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Phones opted out of each sender number (080 calls, "수신거부" replies), with when and from which source.
 * Keyed by the 64-bit hash of the phone: a collision would suppress a send to a phone that did not opt out,
 * the safe direction. Senders are few per tenant and found by a linear byte comparison (no allocation).
 * <b>Note:</b> single writer.
 */
final class OptOuts
{
    private final List<byte[]> senders = new ArrayList<>();
    private final List<Long2LongHashMap> timeByPhone = new ArrayList<>();
    private final List<Long2LongHashMap> sourceByPhone = new ArrayList<>();
    private final StringDictionary sourceNames = new StringDictionary();

    void apply(final byte[] b, final int senderOffset, final int senderLength, final int phoneOffset,
        final int phoneLength, final boolean remove, final long atMs, final int sourceAt)
    {
        int s = find(b, senderOffset, senderLength);
        if (s < 0)
        {
            if (remove)
            {
                return;
            }
            s = add(Arrays.copyOfRange(b, senderOffset, senderOffset + senderLength));
        }
        final long phone = Hashing.hash64(b, phoneOffset, phoneLength);
        if (remove)
        {
            timeByPhone.get(s).remove(phone);
            sourceByPhone.get(s).remove(phone);
        }
        else
        {
            timeByPhone.get(s).put(phone, atMs);
            sourceByPhone.get(s).put(phone, sourceNames.idOf(b, sourceAt + 1, b[sourceAt] & 0xFF));
        }
    }

    boolean contains(final byte[] sender, final int offset, final int length, final byte[] phone,
        final int phoneOffset, final int phoneLength)
    {
        final int s = find(sender, offset, length);
        return s >= 0 && timeByPhone.get(s).containsKey(Hashing.hash64(phone, phoneOffset, phoneLength));
    }

    /** @return when the phone opted out of the sender, or -1. */
    long atMs(final String sender, final String phone)
    {
        final byte[] s = sender.getBytes(StandardCharsets.US_ASCII);
        final byte[] p = phone.getBytes(StandardCharsets.US_ASCII);
        final int i = find(s, 0, s.length);
        return i < 0 ? -1 : timeByPhone.get(i).get(Hashing.hash64(p, 0, p.length));
    }

    private int find(final byte[] b, final int offset, final int length)
    {
        for (int i = 0; i < senders.size(); i++)
        {
            if (Arrays.equals(senders.get(i), 0, senders.get(i).length, b, offset, offset + length))
            {
                return i;
            }
        }
        return -1;
    }

    private int add(final byte[] sender)
    {
        senders.add(sender);
        timeByPhone.add(new Long2LongHashMap(-1));
        sourceByPhone.add(new Long2LongHashMap(-1));
        return senders.size() - 1;
    }

    void write(final DataOutput out) throws IOException
    {
        sourceNames.write(out);
        out.writeInt(senders.size());
        for (int s = 0; s < senders.size(); s++)
        {
            out.writeShort(senders.get(s).length);
            out.write(senders.get(s));
            final Long2LongHashMap times = timeByPhone.get(s);
            out.writeInt(times.size());
            final Long2LongHashMap.KeyIterator keys = times.keySet().iterator();
            while (keys.hasNext())
            {
                final long phone = keys.nextValue();
                out.writeLong(phone);
                out.writeLong(times.get(phone));
                out.writeLong(sourceByPhone.get(s).get(phone));
            }
        }
    }

    void read(final DataInput in) throws IOException
    {
        sourceNames.read(in);
        final int count = in.readInt();
        for (int s = 0; s < count; s++)
        {
            final byte[] sender = new byte[in.readShort()];
            in.readFully(sender);
            add(sender);
            final int phones = in.readInt();
            for (int i = 0; i < phones; i++)
            {
                final long phone = in.readLong();
                timeByPhone.get(s).put(phone, in.readLong());
                sourceByPhone.get(s).put(phone, in.readLong());
            }
        }
    }
}
