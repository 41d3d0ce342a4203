package io.dispatch.status;

import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import io.dispatch.config.TenantConfig;
import io.dispatch.ingest.TenantRegistry;
import io.dispatch.protocol.ChannelType;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.stage.PolicyRates;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * {@code /tenants}: the tenants' rate limits, readable with GET and changed at runtime with
 * {@code POST /tenants/<name>/rate?perSecond=N[&burst=B][&reservedPercent=P][&channel=sms]}. A change is published
 * into the dispatch ring as a POLICY_UPDATE event, so the policy stage (the buckets' only writer) applies it in
 * order with the traffic: no lock, no shared mutable bucket. The journal stage records it, and recovery puts it
 * back in force at the next start; GET tells a runtime value (with its time) from a configured one.
 */
public final class RateAdminRoute implements AdminServer.Route
{
    private final RingBuffer<DispatchEvent> ring;
    private final TenantRegistry tenants;
    private final List<TenantConfig> tenantConfigs;
    private final PolicyRates rates;

    public RateAdminRoute(
        final RingBuffer<DispatchEvent> ring, final TenantRegistry tenants, final List<TenantConfig> tenantConfigs,
        final PolicyRates rates)
    {
        this.ring = ring;
        this.tenants = tenants;
        this.tenantConfigs = tenantConfigs;
        this.rates = rates;
    }

    @Override
    public AdminServer.Reply handle(final String method, final QueryStringDecoder uri)
    {
        final String[] parts = uri.path().split("/");
        if (method.equals("GET") && parts.length == 2)
        {
            return AdminServer.Reply.ok(describe());
        }
        if (!method.equals("POST") || parts.length != 4 || !parts[3].equals("rate"))
        {
            return new AdminServer.Reply(405, "GET /tenants or POST /tenants/<name>/rate?perSecond=N"
                + "[&burst=B][&reservedPercent=P][&channel=sms|push|chat|talktalk|messenger]\n");
        }
        final int tenantId = tenants.idOf(parts[2]);
        if (tenantId == 0)
        {
            return new AdminServer.Reply(404, "unknown tenant '" + parts[2] + "'\n");
        }
        try
        {
            final long perSecond = number(uri, "perSecond", -1, 0, 100_000_000);
            if (perSecond < 0)
            {
                return AdminServer.Reply.badRequest("perSecond is required (0 = unlimited)");
            }
            final String channelName = first(uri, "channel");
            final ChannelType channel = channelName == null ? null : ChannelType.parse(channelName);
            final long burst = number(uri, "burst", 0, 0, 100_000_000);
            final int reserved = (int)number(uri, "reservedPercent", 20, 0, 100);
            if (!publish(tenantId, channel == null ? 0 : channel.code(), perSecond, burst, reserved))
            {
                return new AdminServer.Reply(503, "dispatch ring is full; retry\n");
            }
            return AdminServer.Reply.ok("accepted: tenant " + parts[2] + (channel == null ? "" : " channel "
                + channel.name().toLowerCase(Locale.ROOT)) + " rate " + perSecond + "/s (applied in ring order)\n");
        }
        catch (final IllegalArgumentException ex)
        {
            return AdminServer.Reply.badRequest(ex.getMessage());
        }
    }

    private boolean publish(final int tenantId, final int channel, final long perSecond, final long burst, final int reserved)
    {
        final long sequence;
        try
        {
            sequence = ring.tryNext();
        }
        catch (final InsufficientCapacityException ex)
        {
            return false;
        }
        final DispatchEvent e = ring.get(sequence);
        e.type = DispatchEvent.POLICY_UPDATE;
        e.session = null;
        e.tenantId = tenantId;
        e.channel = (byte)channel;
        e.ratePerSecond = perSecond;
        e.rateBurst = burst;
        e.reservedPercent = reserved;
        ring.publish(sequence);
        return true;
    }

    /** Each tenant's rates in force and, under "source", whether each is configured or a runtime change (and when). */
    private String describe()
    {
        final StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < tenantConfigs.size(); i++)
        {
            final TenantConfig t = tenantConfigs.get(i);
            sb.append(i == 0 ? "" : ",").append('"').append(t.name()).append("\":{\"perSecond\":")
                .append(rates.get(t.id(), 0));
            for (final ChannelType c : ChannelType.values())
            {
                sb.append(",\"").append(c.name().toLowerCase(Locale.ROOT)).append("PerSecond\":").append(rates.get(t.id(), c.code()));
            }
            sb.append(",\"source\":{\"perSecond\":");
            source(sb, rates.changedAtMs(t.id(), 0));
            for (final ChannelType c : ChannelType.values())
            {
                sb.append(",\"").append(c.name().toLowerCase(Locale.ROOT)).append("PerSecond\":");
                source(sb, rates.changedAtMs(t.id(), c.code()));
            }
            sb.append("}}");
        }
        return sb.append("}\n").toString();
    }

    private static void source(final StringBuilder sb, final long changedAtMs)
    {
        sb.append(changedAtMs == 0 ? "\"config\"" : "\"runtime " + Instant.ofEpochMilli(changedAtMs) + '"');
    }

    private static String first(final QueryStringDecoder uri, final String name)
    {
        final List<String> v = uri.parameters().get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static long number(final QueryStringDecoder uri, final String name, final long dflt, final long min, final long max)
    {
        final String v = first(uri, name);
        if (v == null)
        {
            return dflt;
        }
        try
        {
            final long n = Long.parseLong(v);
            if (n >= min && n <= max)
            {
                return n;
            }
        }
        catch (final NumberFormatException ignore)
        {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be a number in " + min + ".." + max + ", was '" + v + "'");
    }
}
