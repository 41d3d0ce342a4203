package io.dispatch.load.scenario;

import io.dispatch.protocol.ChannelType;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns the {@code campaign.*} settings into a {@link CampaignSpec} once the run's length is final (the start is
 * on the run's timeline). Later settings of a key replace earlier ones.
 * <p>
 * <b>Threading:</b> not thread-safe; one per configuration.
 */
public final class CampaignReader
{
    public static final String PREFIX = "campaign.";
    public static final Set<String> KEYS = Set.of("recipients", "channel", "start", "pacing", "template");
    static final String DEFAULT_TEMPLATE = "template promo shop=LoadShop offer=sale";

    private final Map<String, Setting> settings = new LinkedHashMap<>();

    /** @throws ScenarioException for an unknown key. */
    public void add(final Setting s)
    {
        final String key = s.key().substring(PREFIX.length());
        if (!KEYS.contains(key))
        {
            throw s.error("unknown campaign key '" + key + "'; known: " + new TreeSet<>(KEYS));
        }
        settings.put(key, s);
    }

    /**
     * @return the campaign, or null when the scenario has none (or {@code campaign.recipients = 0}).
     * @throws ScenarioException naming the setting of the first invalid value.
     */
    public CampaignSpec build(final long timelineNs)
    {
        if (settings.isEmpty())
        {
            return null;
        }
        final Setting recipients = settings.get("recipients");
        if (recipients == null)
        {
            throw settings.values().iterator().next().error("a campaign needs campaign.recipients (directory size)");
        }
        final int count = recipients.integer(0, CampaignSpec.MAX_RECIPIENTS);
        if (count == 0)
        {
            return null; // the same scenario without its campaign: the baseline to compare with
        }
        final ChannelType channel = settings.containsKey("channel") ? channel(settings.get("channel")) : ChannelType.SMS;
        final long startNs = settings.containsKey("start") ? StreamsReader.time(settings.get("start"), timelineNs) : 0;
        final int pacing = settings.containsKey("pacing") ? settings.get("pacing").integer(0, Integer.MAX_VALUE) : 0;
        final Setting template = settings.get("template");
        final String[] words = (template == null ? DEFAULT_TEMPLATE : "template " + template.value().trim()).split("\\s+");
        if (words.length < 2)
        {
            throw template.error("expects 'ID name=value ...', e.g. 'promo shop=LoadShop offer=sale'");
        }
        final Map<String, String> vars = new LinkedHashMap<>();
        for (int i = 2; i < words.length; i++)
        {
            final int eq = words[i].indexOf('=');
            if (eq <= 0)
            {
                throw template.error("variable '" + words[i] + "' is not name=value");
            }
            vars.put(words[i].substring(0, eq), words[i].substring(eq + 1));
        }
        return new CampaignSpec(count, channel, startNs, pacing, words[1], vars);
    }

    private static ChannelType channel(final Setting s)
    {
        final String v = s.value().trim().toLowerCase(Locale.ROOT);
        switch (v)
        {
            case "sms": return ChannelType.SMS;
            case "push": return ChannelType.PUSH;
            case "chat": return ChannelType.CHAT;
            default: throw s.error("must be sms | push | chat, got '" + s.value() + "'");
        }
    }
}
