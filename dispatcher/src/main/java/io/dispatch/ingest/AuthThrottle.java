package io.dispatch.ingest;

import io.dispatch.config.AuthLimits;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Failed HELLOs per source address, as a token bucket kept in one number (GCRA): each address has a time
 * {@code fullAtMs} at which its bucket is full again. A failure moves it one interval later; an attempt is
 * allowed while at least one token is left, i.e. {@code fullAtMs - now <= (burst - 1) * interval}. So
 * {@code burst} failures in a row are allowed, then one per interval, and an address that stops failing is
 * allowed again one interval after its last failure at the latest.
 * <p>
 * IPv6 addresses count by their /64 prefix, the block one host usually holds. The table keeps at most
 * {@link AuthLimits#maxAddresses()} addresses, forgetting the least recently seen (an address that has not
 * failed for a while has a full bucket anyway). Synchronized: HELLOs are per connection, not per message, and
 * the table is shared by every event loop.
 */
final class AuthThrottle
{
    private final int burst;
    private final long intervalMs;
    private final Map<InetAddress, Entry> byAddress;

    private static final class Entry
    {
        long fullAtMs;
        /** Set when a refusal was logged, cleared when an attempt is allowed again: one log line per episode. */
        boolean episodeLogged;
    }

    AuthThrottle(final AuthLimits limits)
    {
        this.burst = limits.burst();
        this.intervalMs = limits.intervalMs();
        final int max = limits.maxAddresses();
        this.byAddress = new LinkedHashMap<>(64, 0.75f, true)
        {
            @Override
            protected boolean removeEldestEntry(final Map.Entry<InetAddress, Entry> eldest)
            {
                return size() > max;
            }
        };
    }

    /** @return the key an address counts under, or null when it is not an IP address (never throttled). */
    static InetAddress keyOf(final SocketAddress remote)
    {
        if (!(remote instanceof InetSocketAddress) || ((InetSocketAddress)remote).getAddress() == null)
        {
            return null;
        }
        final InetAddress a = ((InetSocketAddress)remote).getAddress();
        if (!(a instanceof Inet6Address))
        {
            return a;
        }
        final byte[] prefix = Arrays.copyOf(a.getAddress(), 16);
        Arrays.fill(prefix, 8, 16, (byte)0);
        try
        {
            return InetAddress.getByAddress(prefix);
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalStateException(ex); // 16 bytes is always a valid length
        }
    }

    /**
     * @return 0 when the address may try now, else how many ms until it may; negated (below 0) for the first
     * refusal of a throttling episode, the one to log.
     */
    synchronized long waitMs(final InetAddress address, final long nowMs)
    {
        final Entry e = address == null ? null : byAddress.get(address);
        if (e == null)
        {
            return 0;
        }
        final long wait = e.fullAtMs - nowMs - (burst - 1) * intervalMs;
        if (wait <= 0)
        {
            e.episodeLogged = false;
            return 0;
        }
        if (!e.episodeLogged)
        {
            e.episodeLogged = true;
            return -wait;
        }
        return wait;
    }

    /** Takes a token: a failed HELLO, or one whose key is being hashed (given back by {@link #succeeded}). */
    synchronized void failed(final InetAddress address, final long nowMs)
    {
        if (address == null)
        {
            return;
        }
        final Entry e = byAddress.computeIfAbsent(address, a -> new Entry());
        e.fullAtMs = Math.max(e.fullAtMs, nowMs) + intervalMs;
    }

    /** Gives back the token {@link #failed} took for a HELLO that turned out right. */
    synchronized void succeeded(final InetAddress address)
    {
        final Entry e = address == null ? null : byAddress.get(address);
        if (e != null)
        {
            e.fullAtMs -= intervalMs;
        }
    }

    synchronized int size()
    {
        return byAddress.size();
    }
}
