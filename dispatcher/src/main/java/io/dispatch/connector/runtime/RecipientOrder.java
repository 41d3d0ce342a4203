package io.dispatch.connector.runtime;

import org.agrona.collections.Hashing;
import org.agrona.collections.Long2LongHashMap;

import java.util.Arrays;

/**
 * Per-recipient order on one lane: of the messages the lane holds for one recipient key (tenant and address),
 * only one is "started" at a time, the head; it stays the head while it is in flight, retrying, throttled or
 * waiting in a redo queue, and stops being it when it leaves the lane's hands (provider accepted, ended, moved
 * to another lane). Any other message of that key the lane takes meanwhile is parked here, in message id order
 * (= acceptance order), and the lowest parked one becomes the head when the head is done. So a recipient's
 * messages reach the provider one after the other, in id order, whatever retries, throttling or the window do.
 * <p>
 * An open-addressing map (linear probing, backward-shift deletion) of key → head and parked FIFO; parked
 * messages sit in pooled nodes. Nothing is allocated per message; the tables grow (doubling) only when more
 * recipients or parked messages are held than ever before. Two recipients whose 64-bit keys collide are ordered
 * together, which only makes one wait for the other.
 * <p>
 * <b>Note:</b> not thread-safe; owned by the lane thread.
 */
final class RecipientOrder
{
    static final long NONE = -1;
    private static final long EMPTY = 0;
    private static final int NO_NODE = -1;

    private long[] keys;
    private long[] heads;
    private int[] first;
    private int[] last;
    private int mask;
    private int size;
    /** head message id → its key, to find the entry when the head is done. */
    private final Long2LongHashMap keyByHead = new Long2LongHashMap(NONE);

    /** Parked messages: id << 1 | 1 for the priority class, and the next node of the same key. */
    private long[] nodeValue;
    private int[] nodeNext;
    private int freeNode;
    private int parked;
    private int parkedPriority;

    RecipientOrder(final int initialKeys)
    {
        final int tableSize = Integer.highestOneBit(Math.max(16, initialKeys) * 2 - 1) << 1;
        allocateTable(tableSize);
        nodeValue = new long[Math.max(16, initialKeys)];
        nodeNext = new int[nodeValue.length];
        linkFree(0);
    }

    /**
     * The lane is about to send {@code messageId}. @return true when it may (no other message of its key is the
     * head, or it is the head itself, back from a retry or throttling); false when it is parked instead: it
     * comes back from {@link #done} after the messages before it.
     */
    boolean tryStart(final long rawKey, final long messageId, final boolean isPriority)
    {
        final long key = nonEmpty(rawKey);
        int slot = find(key);
        if (keys[slot] == EMPTY)
        {
            if ((size + 1) * 2 > keys.length)
            {
                grow();
                slot = find(key);
            }
            keys[slot] = key;
            heads[slot] = messageId;
            first[slot] = NO_NODE;
            last[slot] = NO_NODE;
            size++;
            keyByHead.put(messageId, key);
            return true;
        }
        if (heads[slot] == messageId)
        {
            return true;
        }
        park(slot, messageId << 1 | (isPriority ? 1 : 0));
        return false;
    }

    /**
     * {@code messageId} left the lane's hands (accepted by the provider, ended, or moved to another lane).
     * @return when it was a head with a parked successor, that successor (id << 1 | 1 when priority), now the
     * head, for the lane to send next; else {@link #NONE}.
     */
    long done(final long messageId)
    {
        final long key = keyByHead.remove(messageId);
        if (key == NONE)
        {
            return NONE;
        }
        final int slot = find(key);
        final int node = first[slot];
        if (node == NO_NODE)
        {
            removeAt(slot);
            return NONE;
        }
        final long next = nodeValue[node];
        first[slot] = nodeNext[node];
        if (first[slot] == NO_NODE)
        {
            last[slot] = NO_NODE;
        }
        nodeNext[node] = freeNode;
        freeNode = node;
        parked--;
        parkedPriority -= (int)(next & 1);
        heads[slot] = next >>> 1;
        keyByHead.put(next >>> 1, key);
        return next;
    }

    /** @return messages parked behind another of their recipient's. */
    int parked()
    {
        return parked;
    }

    /** @return informational and auth messages parked (the rest of {@link #parked()} is marketing). */
    int parkedPriority()
    {
        return parkedPriority;
    }

    /** @return recipients with a message started and not yet done. */
    int recipients()
    {
        return size;
    }

    private void park(final int slot, final long value)
    {
        if (freeNode == NO_NODE)
        {
            growNodes();
        }
        final int node = freeNode;
        freeNode = nodeNext[node];
        nodeValue[node] = value;
        parked++;
        parkedPriority += (int)(value & 1);
        final long id = value >>> 1;
        final int tail = last[slot];
        if (tail == NO_NODE)
        {
            nodeNext[node] = NO_NODE;
            first[slot] = node;
            last[slot] = node;
            return;
        }
        if ((nodeValue[tail] >>> 1) < id)
        {
            // the usual case: taken from a FIFO queue, it is the newest
            nodeNext[node] = NO_NODE;
            nodeNext[tail] = node;
            last[slot] = node;
            return;
        }
        // an older one taken late (another class's queue): insert in id order
        int prev = NO_NODE;
        int at = first[slot];
        while (at != NO_NODE && (nodeValue[at] >>> 1) < id)
        {
            prev = at;
            at = nodeNext[at];
        }
        nodeNext[node] = at;
        if (prev == NO_NODE)
        {
            first[slot] = node;
        }
        else
        {
            nodeNext[prev] = node;
        }
    }

    private int find(final long key)
    {
        int slot = Hashing.hash(key, mask);
        while (keys[slot] != EMPTY && keys[slot] != key)
        {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    private void removeAt(final int removed)
    {
        int hole = removed;
        keys[hole] = EMPTY;
        size--;
        int at = (hole + 1) & mask;
        while (keys[at] != EMPTY)
        {
            final int home = Hashing.hash(keys[at], mask);
            // move the entry into the hole unless its home lies cyclically in (hole, at]
            final boolean stays = hole <= at ? (home > hole && home <= at) : (home > hole || home <= at);
            if (!stays)
            {
                keys[hole] = keys[at];
                heads[hole] = heads[at];
                first[hole] = first[at];
                last[hole] = last[at];
                keys[at] = EMPTY;
                hole = at;
            }
            at = (at + 1) & mask;
        }
    }

    private void grow()
    {
        final long[] oldKeys = keys;
        final long[] oldHeads = heads;
        final int[] oldFirst = first;
        final int[] oldLast = last;
        allocateTable(oldKeys.length * 2);
        for (int i = 0; i < oldKeys.length; i++)
        {
            if (oldKeys[i] != EMPTY)
            {
                final int slot = find(oldKeys[i]);
                keys[slot] = oldKeys[i];
                heads[slot] = oldHeads[i];
                first[slot] = oldFirst[i];
                last[slot] = oldLast[i];
            }
        }
    }

    private void allocateTable(final int tableSize)
    {
        keys = new long[tableSize];
        heads = new long[tableSize];
        first = new int[tableSize];
        last = new int[tableSize];
        mask = tableSize - 1;
    }

    private void growNodes()
    {
        final int oldLength = nodeValue.length;
        nodeValue = Arrays.copyOf(nodeValue, oldLength * 2);
        nodeNext = Arrays.copyOf(nodeNext, oldLength * 2);
        linkFree(oldLength);
    }

    private void linkFree(final int from)
    {
        for (int i = from; i < nodeNext.length - 1; i++)
        {
            nodeNext[i] = i + 1;
        }
        nodeNext[nodeNext.length - 1] = NO_NODE;
        freeNode = from;
    }

    /** 0 marks an empty slot and -1 is the head map's missing value: neither is a key. */
    private static long nonEmpty(final long key)
    {
        return key == EMPTY ? 0x6A09E667F3BCC909L : key == NONE ? 0x3C6EF372FE94F82BL : key;
    }
}
