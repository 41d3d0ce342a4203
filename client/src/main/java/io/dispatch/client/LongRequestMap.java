package io.dispatch.client;

import java.util.Arrays;

/**
 * Open-addressing map from correlation id to in-flight {@link Request}: linear probing, backward-shift delete,
 * no boxing and no allocation except when it grows.
 * <p>
 * <b>Note:</b> not thread-safe; owned by the I/O thread.
 */
final class LongRequestMap
{
    private long[] keys;
    private Request[] values;
    private int mask;
    private int size;
    private int resizeAt;

    LongRequestMap(final int initialCapacity)
    {
        final int capacity = Integer.highestOneBit(Math.max(16, initialCapacity - 1) << 1);
        allocate(capacity);
    }

    int size()
    {
        return size;
    }

    boolean isEmpty()
    {
        return size == 0;
    }

    Request get(final long key)
    {
        for (int i = index(key); values[i] != null; i = (i + 1) & mask)
        {
            if (keys[i] == key)
            {
                return values[i];
            }
        }
        return null;
    }

    void put(final long key, final Request value)
    {
        int i = index(key);
        while (values[i] != null)
        {
            if (keys[i] == key)
            {
                values[i] = value;
                return;
            }
            i = (i + 1) & mask;
        }
        keys[i] = key;
        values[i] = value;
        if (++size > resizeAt)
        {
            grow();
        }
    }

    Request remove(final long key)
    {
        int i = index(key);
        while (values[i] != null)
        {
            if (keys[i] == key)
            {
                final Request removed = values[i];
                deleteAt(i);
                size--;
                return removed;
            }
            i = (i + 1) & mask;
        }
        return null;
    }

    void clear()
    {
        Arrays.fill(values, null);
        size = 0;
    }

    private void deleteAt(final int slot)
    {
        // Backward shift: move later entries of the probe run into the hole so that lookups need no tombstones.
        int hole = slot;
        int i = slot;
        while (true)
        {
            i = (i + 1) & mask;
            final Request value = values[i];
            if (value == null)
            {
                break;
            }
            final int home = index(keys[i]);
            if (((i - home) & mask) >= ((i - hole) & mask))
            {
                keys[hole] = keys[i];
                values[hole] = value;
                hole = i;
            }
        }
        values[hole] = null;
    }

    private int index(final long key)
    {
        return (int)((key * 0x9E3779B97F4A7C15L) >>> 32) & mask;
    }

    private void grow()
    {
        final long[] oldKeys = keys;
        final Request[] oldValues = values;
        allocate(oldValues.length << 1);
        for (int i = 0; i < oldValues.length; i++)
        {
            if (oldValues[i] != null)
            {
                int j = index(oldKeys[i]);
                while (values[j] != null)
                {
                    j = (j + 1) & mask;
                }
                keys[j] = oldKeys[i];
                values[j] = oldValues[i];
            }
        }
    }

    private void allocate(final int capacity)
    {
        keys = new long[capacity];
        values = new Request[capacity];
        mask = capacity - 1;
        resizeAt = capacity / 2;
    }
}
