package io.dispatch.config;

import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.MessageKind;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Locale;

/**
 * The policy settings of one tenant, read from {@code tenant.<name>.*} (docs/policies.md). Immutable;
 * rate limits can be changed at runtime through the admin endpoint, which replaces the buckets' rates,
 * not this record.
 */
public record TenantPolicy(
    ZoneId timeZone,
    long ratePerSecond,
    long rateBurst,
    int reservedPercent,
    long[] channelRatePerSecond,
    boolean rejectMarketingOverRate,
    boolean suppressAtNight,
    boolean consentRequired,
    String optOutFooter,
    CapRules[] caps)
{
    public static final TenantPolicy DEFAULT = new TenantPolicy(ZoneId.of("Asia/Seoul"), 0, 0, 20, new long[ChannelType.CODES],
        false, false, true, null, noCaps());

    /** @return the cap rules of a class on a channel; channel 0 is the cross-channel scope. */
    public CapRules caps(final int kind, final int channel)
    {
        return caps[kind * ChannelType.CODES + channel];
    }

    /** @return this policy with other rules for a class on a channel (0 = across channels): a runtime change. */
    public TenantPolicy withCaps(final int kind, final int channel, final CapRules rules)
    {
        final CapRules[] changed = caps.clone();
        changed[kind * ChannelType.CODES + channel] = rules;
        return new TenantPolicy(timeZone, ratePerSecond, rateBurst, reservedPercent, channelRatePerSecond,
            rejectMarketingOverRate, suppressAtNight, consentRequired, optOutFooter, changed);
    }

    public static TenantPolicy read(final Settings s, final String tenant)
    {
        final String p = Configuration.TENANT_PREFIX + tenant + ".";
        final String zoneKey = p + Configuration.TENANT_TIME_ZONE;
        final ZoneId zone;
        try
        {
            zone = ZoneId.of(s.string(zoneKey, Configuration.TENANT_TIME_ZONE_DEFAULT));
        }
        catch (final DateTimeException ex)
        {
            throw new ConfigurationException(zoneKey, "not a time zone id such as Asia/Seoul: " + ex.getMessage());
        }
        final long rate = s.longValue(p + Configuration.TENANT_RATE_PER_SECOND, 0, 0, 100_000_000);
        final long[] channelRates = new long[ChannelType.CODES];
        for (final ChannelType c : ChannelType.values())
        {
            channelRates[c.code()] = s.longValue(
                p + "rate." + name(c) + ".perSecond", 0, 0, 100_000_000);
        }
        final String overRate = s.string(p + Configuration.TENANT_RATE_MARKETING, "defer");
        if (!overRate.equals("defer") && !overRate.equals("reject"))
        {
            throw new ConfigurationException(p + Configuration.TENANT_RATE_MARKETING, "'" + overRate + "' is not defer or reject");
        }
        final String night = s.string(p + Configuration.TENANT_NIGHT, "defer");
        if (!night.equals("defer") && !night.equals("suppress"))
        {
            throw new ConfigurationException(p + Configuration.TENANT_NIGHT, "'" + night + "' is not defer or suppress");
        }
        final String footer = s.string(p + Configuration.TENANT_OPT_OUT_FOOTER,
            Configuration.TENANTS_DEFAULT.equals(tenant) ? Configuration.TENANT_OPT_OUT_FOOTER_DEMO_DEFAULT : null);
        if (footer != null && !AdMarking.isOptOutFooter(footer.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        {
            throw new ConfigurationException(p + Configuration.TENANT_OPT_OUT_FOOTER,
                "'" + footer + "' is not a free opt-out notice: it must contain 무료수신거부 or 무료거부 and the number");
        }
        final CapRules[] caps = noCaps();
        for (final MessageKind k : MessageKind.values())
        {
            final String key = p + "cap." + k.name().toLowerCase(Locale.ROOT);
            final String all = s.string(key, null);
            if (all != null)
            {
                caps[k.code() * ChannelType.CODES] = CapRules.parse(key, all);
            }
            for (final ChannelType c : ChannelType.values())
            {
                final String v = s.string(key + "." + name(c), null);
                if (v != null)
                {
                    caps[k.code() * ChannelType.CODES + c.code()] = CapRules.parse(key + "." + name(c), v);
                }
            }
        }
        return new TenantPolicy(
            zone,
            rate,
            s.longValue(p + Configuration.TENANT_RATE_BURST, rate, 0, 100_000_000),
            s.integer(p + Configuration.TENANT_RATE_RESERVED_PERCENT, Configuration.TENANT_RATE_RESERVED_PERCENT_DEFAULT, 0, 100),
            channelRates,
            overRate.equals("reject"),
            night.equals("suppress"),
            s.bool(p + Configuration.TENANT_CONSENT_REQUIRED, true),
            footer,
            caps);
    }

    private static CapRules[] noCaps()
    {
        final CapRules[] caps = new CapRules[4 * ChannelType.CODES];
        java.util.Arrays.fill(caps, CapRules.NONE);
        return caps;
    }

    private static String name(final ChannelType c)
    {
        return c.name().toLowerCase(Locale.ROOT);
    }

    /** One line for the start-up description. */
    public String describe()
    {
        final StringBuilder sb = new StringBuilder();
        sb.append("zone=").append(timeZone).append(" rate=").append(ratePerSecond == 0 ? "unlimited" : ratePerSecond + "/s")
            .append(" reserved=").append(reservedPercent).append('%').append(" overRate=")
            .append(rejectMarketingOverRate ? "reject" : "defer").append(" night=").append(suppressAtNight ? "suppress" : "defer")
            .append(" consentRequired=").append(consentRequired);
        for (final MessageKind k : MessageKind.values())
        {
            for (int c = 0; c < ChannelType.CODES; c++)
            {
                final CapRules r = caps(k.code(), c);
                if (!r.isEmpty())
                {
                    sb.append(" cap.").append(k.name().toLowerCase(Locale.ROOT))
                        .append(c == 0 ? "" : "." + name(ChannelType.of(c))).append('=').append(r);
                }
            }
        }
        return sb.toString();
    }
}
