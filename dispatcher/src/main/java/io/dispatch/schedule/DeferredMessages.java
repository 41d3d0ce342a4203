package io.dispatch.schedule;

import java.util.Arrays;

/**
 * What the scheduler keeps of each deferred message to release it without reading the journal: parallel
 * primitive arrays indexed by a slot, with a free list. About 32 bytes per message (8 of them the campaign id,
 * so a cancelled campaign's messages can be found without the journal); the id and due time are in the
 * {@link DueQueue}, which points here by slot.
 * <b>Note:</b> single writer, the scheduler thread.
 */
final class DeferredMessages
{
    private long[] recipientKeys = new long[1024];
    private long[] deadlines = new long[1024];
    private long[] campaignIds = new long[1024];
    private int[] tenantKindChannel = new int[1024];
    private int[] freeSlots = new int[1024];
    private int freeCount;
    private int used;
    private int size;

    int add(final long recipientKey, final long deadlineMs, final int tenantId, final int kind,
        final int channel, final boolean prepaid, final int consentOverride, final long campaignId)
    {
        final int slot;
        if (freeCount > 0)
        {
            slot = freeSlots[--freeCount];
        }
        else
        {
            if (used == recipientKeys.length)
            {
                grow();
            }
            slot = used++;
        }
        recipientKeys[slot] = recipientKey;
        deadlines[slot] = deadlineMs;
        campaignIds[slot] = campaignId;
        tenantKindChannel[slot] = tenantId << 16 | (kind & 0xF) << 12 | (channel & 0xF) << 8
            | (consentOverride < 0 ? 0 : 0x10 | (consentOverride & 7) << 1) | (prepaid ? 1 : 0);
        size++;
        return slot;
    }

    void free(final int slot)
    {
        if (freeCount == freeSlots.length)
        {
            freeSlots = Arrays.copyOf(freeSlots, freeSlots.length * 2);
        }
        freeSlots[freeCount++] = slot;
        size--;
    }

    long recipientKey(final int slot) { return recipientKeys[slot]; }
    long deadlineMs(final int slot) { return deadlines[slot]; }
    long campaignId(final int slot) { return campaignIds[slot]; }
    int tenantId(final int slot) { return tenantKindChannel[slot] >>> 16; }
    int kind(final int slot) { return (tenantKindChannel[slot] >>> 12) & 0xF; }
    int channel(final int slot) { return (tenantKindChannel[slot] >>> 8) & 0xF; }
    boolean prepaid(final int slot) { return (tenantKindChannel[slot] & 1) != 0; }
    /** The consent flags the directory resolved for a campaign message, or -1 (look the address up). */
    int consentOverride(final int slot)
    {
        final int v = tenantKindChannel[slot];
        return (v & 0x10) == 0 ? -1 : (v >>> 1) & 7;
    }

    int size()
    {
        return size;
    }

    private void grow()
    {
        final int n = recipientKeys.length * 2;
        recipientKeys = Arrays.copyOf(recipientKeys, n);
        deadlines = Arrays.copyOf(deadlines, n);
        campaignIds = Arrays.copyOf(campaignIds, n);
        tenantKindChannel = Arrays.copyOf(tenantKindChannel, n);
    }
}
