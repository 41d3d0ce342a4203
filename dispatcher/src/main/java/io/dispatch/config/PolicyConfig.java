package io.dispatch.config;

import io.dispatch.protocol.ChannelType;

import java.util.Locale;

/**
 * Engine-wide policy settings: the night and blackout windows and the ad-marking rule of each channel,
 * the scheduling horizon and content dedup. Tenant settings are in {@link TenantPolicy}. Immutable.
 *
 * @param night       per channel code: the advertising night; night-ad consent lifts it (§50③).
 * @param blackout    per channel code: a provider's block that no consent lifts (Kakao 20:50–08:00).
 * @param adMarking   per channel code.
 */
public record PolicyConfig(
    NightWindow[] night,
    NightWindow[] blackout,
    AdMarkingMode[] adMarking,
    long maxScheduleAheadMs,
    long contentDedupWindowMs,
    long[] conversationWindowMs)
{
    public static PolicyConfig read(final Settings s)
    {
        final NightWindow[] night = new NightWindow[ChannelType.CODES];
        final NightWindow[] blackout = new NightWindow[ChannelType.CODES];
        final AdMarkingMode[] marking = new AdMarkingMode[ChannelType.CODES];
        final long[] conversation = new long[ChannelType.CODES];
        for (final ChannelType c : ChannelType.values())
        {
            final String name = c.name().toLowerCase(Locale.ROOT);
            night[c.code()] = window(s, Configuration.POLICY_NIGHT_PREFIX + name, Configuration.POLICY_NIGHT_DEFAULT);
            blackout[c.code()] = window(s, Configuration.POLICY_BLACKOUT_PREFIX + name,
                c == ChannelType.CHAT ? Configuration.POLICY_NIGHT_CHAT_DEFAULT : "off");
            final String markingKey = Configuration.POLICY_AD_MARKING_PREFIX + name;
            conversation[c.code()] = s.integer(
                Configuration.POLICY_WINDOW_PREFIX + name + "." + Configuration.POLICY_WINDOW_HOURS,
                c == ChannelType.MESSENGER ? Configuration.POLICY_WINDOW_MESSENGER_HOURS_DEFAULT : 0, 0, 168) * 3_600_000L;
            marking[c.code()] = AdMarkingMode.parse(markingKey, s.string(markingKey,
                c == ChannelType.CHAT ? Configuration.POLICY_AD_MARKING_CHAT_DEFAULT : Configuration.POLICY_AD_MARKING_DEFAULT));
        }
        night[0] = new NightWindow(0, 0);
        blackout[0] = new NightWindow(0, 0);
        marking[0] = AdMarkingMode.OFF;
        return new PolicyConfig(
            night,
            blackout,
            marking,
            s.integer(Configuration.SCHEDULE_MAX_AHEAD_DAYS_PROP_NAME, Configuration.SCHEDULE_MAX_AHEAD_DAYS_DEFAULT, 1, 366)
                * 86_400_000L,
            s.integer(Configuration.DEDUP_CONTENT_WINDOW_SECONDS_PROP_NAME, Configuration.DEDUP_CONTENT_WINDOW_SECONDS_DEFAULT,
                0, 86_400 * 30) * 1000L,
            conversation);
    }

    /** {@code HH:MM-HH:MM}, or {@code off}. */
    static NightWindow window(final Settings s, final String key, final String defaultValue)
    {
        final String v = s.string(key, defaultValue).trim();
        if (v.equals("off"))
        {
            return new NightWindow(0, 0);
        }
        final int dash = v.indexOf('-');
        if (dash < 0)
        {
            throw new ConfigurationException(key, "'" + v + "' is not HH:MM-HH:MM or off");
        }
        return new NightWindow(NightWindow.parseMinute(key, v.substring(0, dash)), NightWindow.parseMinute(key, v.substring(dash + 1)));
    }

    public String describe()
    {
        final StringBuilder sb = new StringBuilder("policy");
        for (final ChannelType c : ChannelType.values())
        {
            final String name = c.name().toLowerCase(Locale.ROOT);
            sb.append(' ').append(name).append("[night=").append(night[c.code()].isEmpty() ? "off" : night[c.code()])
                .append(" blackout=").append(blackout[c.code()].isEmpty() ? "off" : blackout[c.code()])
                .append(" adMarking=").append(adMarking[c.code()].name().toLowerCase(Locale.ROOT))
                .append(conversationWindowMs[c.code()] == 0 ? "" : " window=" + conversationWindowMs[c.code()] / 3_600_000L + "h")
                .append(']');
        }
        sb.append(" scheduleMaxAhead=").append(maxScheduleAheadMs / 86_400_000L).append('d')
            .append(" contentDedup=").append(contentDedupWindowMs / 1000).append('s');
        return sb.toString();
    }
}
