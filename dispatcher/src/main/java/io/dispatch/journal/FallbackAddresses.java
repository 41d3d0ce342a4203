package io.dispatch.journal;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The addresses fallbacks were re-addressed to ({@link JournalRecord#TYPE_ADDRESS}), by message id, while the message
 * is owed a send on its fallback channel: the policy stage's journal write (or recovery) puts one, the lane of that
 * channel reads it when it loads the message and forgets it once a provider took the message or it ended. The
 * journal record is the durable copy; this is the lanes' view of it, since a lane reads only the ACCEPTED record.
 * <p>
 * Concurrent: one writer at a time (recovery before the ring starts, then the journal stage), read and removed by
 * lane threads. Only re-addressed fallbacks are held (a recipient's chat key or push token moved to their phone), so
 * it stays as small as the fallbacks in flight; the boxing of its keys is paid per re-addressed fallback only.
 */
public final class FallbackAddresses
{
    private final ConcurrentHashMap<Long, byte[]> byId = new ConcurrentHashMap<>();

    /** @param address a u8 length and the address's bytes; not modified afterwards. */
    public void put(final long messageId, final byte[] address)
    {
        byId.put(messageId, address);
    }

    /** @return the address (u8 length, bytes; do not modify), null when the message was not re-addressed. */
    public byte[] get(final long messageId)
    {
        return byId.isEmpty() ? null : byId.get(messageId);
    }

    public void remove(final long messageId)
    {
        byId.remove(messageId);
    }

    public int size()
    {
        return byId.size();
    }
}
