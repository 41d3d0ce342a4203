package io.dispatch.admin;

import com.lmax.disruptor.RingBuffer;
import io.dispatch.config.CapRules;
import io.dispatch.config.TenantConfig;
import io.dispatch.config.TenantRegistry;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.MessageKind;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.ring.RingPort;
import io.dispatch.route.AdminReply;
import io.dispatch.route.AdminRoute;
import io.dispatch.stage.PolicyCaps;
import io.dispatch.status.PolicyRates;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;

/**
 * {@code /tenants}: the tenants' rate limits, readable with GET and changed at runtime with
 * {@code POST /tenants/<name>/rate?perSecond=N[&burst=B][&reservedPercent=P][&channel=sms]}, and their frequency
 * caps, {@code GET /tenants/<name>/caps} and {@code POST /tenants/<name>/caps?kind=marketing[&channel=sms]&rules=1/24h,3/7d}
 * ({@code rules=none} lifts them). A change is published into the dispatch ring as a POLICY_UPDATE event, so the
 * policy stage (the buckets' and caps' only writer) applies it in order with the traffic: no lock, no shared mutable
 * bucket. The journal stage records it, and recovery puts it back in force at the next start; GET tells a runtime
 * value (with its time) from a configured one.
 */
public final class RateAdminRoute implements AdminRoute
{
    private static final String CAPS_USAGE = "GET /tenants/<name>/caps or POST /tenants/<name>/caps"
        + "?kind=informational|auth|marketing[&channel=sms|push|chat|talktalk|messenger]&rules=COUNT/DURATION[,...]|none";

    private final RingBuffer<DispatchEvent> ring;
    private final RingPort port;
    private final TenantRegistry tenants;
    private final List<TenantConfig> tenantConfigs;
    private final PolicyRates rates;
    private final PolicyCaps caps;
    private final BooleanSupplier storageFull;

    /**
     * @param port        the admin port ({@code RingPorts#admin}): a ring without room for it fails the request.
     * @param storageFull whether the journal's disk is below journal.minFreeBytes: changes are refused then.
     */
    public RateAdminRoute(
        final RingBuffer<DispatchEvent> ring, final RingPort port, final TenantRegistry tenants,
        final List<TenantConfig> tenantConfigs,
        final PolicyRates rates, final PolicyCaps caps, final BooleanSupplier storageFull)
    {
        this.storageFull = storageFull;
        this.ring = ring;
        this.port = port;
        this.tenants = tenants;
        this.tenantConfigs = tenantConfigs;
        this.rates = rates;
        this.caps = caps;
    }

    @Override
    public AdminReply handle(final String method, final QueryStringDecoder uri)
    {
        final String[] parts = uri.path().split("/");
        if (method.equals("GET") && parts.length == 2)
        {
            return AdminReply.ok(describe());
        }
        if (parts.length == 4 && parts[3].equals("caps"))
        {
            return capsRoute(method, parts[2], uri);
        }
        if (!method.equals("POST") || parts.length != 4 || !parts[3].equals("rate"))
        {
            return new AdminReply(405, "GET /tenants or POST /tenants/<name>/rate?perSecond=N"
                + "[&burst=B][&reservedPercent=P][&channel=sms|push|chat|talktalk|messenger], or " + CAPS_USAGE + "\n");
        }
        final int tenantId = tenants.idOf(parts[2]);
        if (tenantId == 0)
        {
            return new AdminReply(404, "unknown tenant '" + parts[2] + "'\n");
        }
        if (storageFull.getAsBoolean())
        {
            return storageFull();
        }
        try
        {
            final long perSecond = number(uri, "perSecond", -1, 0, 100_000_000);
            if (perSecond < 0)
            {
                return AdminReply.badRequest("perSecond is required (0 = unlimited)");
            }
            final String channelName = first(uri, "channel");
            final ChannelType channel = channelName == null ? null : ChannelType.parse(channelName);
            final long burst = number(uri, "burst", 0, 0, 100_000_000);
            final int reserved = (int)number(uri, "reservedPercent", 20, 0, 100);
            if (!publish(tenantId, channel == null ? 0 : channel.code(), perSecond, burst, reserved))
            {
                return new AdminReply(503, "dispatch ring is full; retry\n");
            }
            return AdminReply.ok("accepted: tenant " + parts[2] + (channel == null ? "" : " channel "
                + channel.name().toLowerCase(Locale.ROOT)) + " rate " + perSecond + "/s (applied in ring order)\n");
        }
        catch (final IllegalArgumentException ex)
        {
            return AdminReply.badRequest(ex.getMessage());
        }
    }

    private AdminReply capsRoute(final String method, final String tenant, final QueryStringDecoder uri)
    {
        final int tenantId = tenants.idOf(tenant);
        if (tenantId == 0)
        {
            return new AdminReply(404, "unknown tenant '" + tenant + "'\n");
        }
        if (method.equals("GET"))
        {
            return AdminReply.ok(capsJson(tenant, tenantId));
        }
        if (!method.equals("POST"))
        {
            return new AdminReply(405, CAPS_USAGE + "\n");
        }
        if (storageFull.getAsBoolean())
        {
            return storageFull();
        }
        final MessageKind kind;
        final ChannelType channel;
        final CapRules rules;
        try
        {
            final String kindName = first(uri, "kind");
            final String channelName = first(uri, "channel");
            final String text = first(uri, "rules");
            if (kindName == null || text == null)
            {
                return AdminReply.badRequest("kind and rules are required; " + CAPS_USAGE);
            }
            kind = named("kind", kindName, MessageKind::parse);
            channel = channelName == null ? null : named("channel", channelName, ChannelType::parse);
            rules = text.trim().equals("none") ? CapRules.NONE : CapRules.parse("rules", text);
        }
        catch (final RuntimeException ex)
        {
            // an unknown kind or channel, or a rule that is not COUNT/DURATION: the message names the parameter
            return AdminReply.badRequest(ex.getMessage() + "; " + CAPS_USAGE);
        }
        final long sequence = publishCaps(tenantId, kind.code(), channel == null ? 0 : channel.code(), rules);
        if (sequence < 0)
        {
            return new AdminReply(503, "dispatch ring is full; retry\n");
        }
        // answered once in force and journaled: a kill -9 after the answer keeps the change
        final boolean applied = RingWait.awaitProcessed(ring, sequence);
        return new AdminReply(applied ? 200 : 202, (applied ? "applied" : "accepted") + ": tenant " + tenant + " " + kind.name().toLowerCase(Locale.ROOT)
            + (channel == null ? " across channels" : " on " + channel.name().toLowerCase(Locale.ROOT)) + " caps " + rules
            + (applied ? "" : " (the ring is slow: applied and journaled in order once it moves)") + "\n");
    }

    /** The journal stage would refuse the record: a change in force that a restart forgets is not what was asked for. */
    private static AdminReply storageFull()
    {
        return new AdminReply(503, "the journal's disk is below journal.minFreeBytes (STORAGE_FULL): nothing"
            + " changed; free space and retry\n");
    }

    /** @return the ring sequence of the change, -1 when the ring is full. */
    private long publishCaps(final int tenantId, final byte kind, final byte channel, final CapRules rules)
    {
        return port.tryPublish(ring, PolicyUpdate.TRANSLATOR, PolicyUpdate.tenantCaps(tenantId, kind, channel, rules));
    }

    /** Every class's caps across channels ("all") and per channel, in force, with their source. */
    private String capsJson(final String tenant, final int tenantId)
    {
        final StringBuilder sb = new StringBuilder("{\"tenant\":\"").append(tenant).append("\",\"caps\":[");
        boolean first = true;
        for (final MessageKind k : MessageKind.values())
        {
            for (int c = 0; c <= ChannelType.values().length; c++)
            {
                sb.append(first ? "\n" : ",\n").append("{\"kind\":\"").append(k.name().toLowerCase(Locale.ROOT))
                    .append("\",\"channel\":\"").append(c == 0 ? "all" : ChannelType.of(c).name().toLowerCase(Locale.ROOT))
                    .append("\",\"rules\":\"").append(caps.get(tenantId, k.code(), c)).append("\",\"source\":");
                source(sb, caps.changedAtMs(tenantId, k.code(), c));
                sb.append('}');
                first = false;
            }
        }
        return sb.append("]}\n").toString();
    }

    private boolean publish(final int tenantId, final int channel, final long perSecond, final long burst, final int reserved)
    {
        return port.tryPublish(ring, PolicyUpdate.TRANSLATOR,
            PolicyUpdate.tenantRate(tenantId, channel, perSecond, burst, reserved)) != RingPort.NO_ROOM;
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
            sb.append(",\"inForcePerSecond\":").append(rates.inForce(t.id()));
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

    private static <T> T named(final String parameter, final String value, final java.util.function.Function<String, T> parse)
    {
        try
        {
            return parse.apply(value);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException(parameter + ": unknown value '" + value + "'");
        }
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
