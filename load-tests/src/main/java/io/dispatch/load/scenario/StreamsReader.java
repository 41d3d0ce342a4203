package io.dispatch.load.scenario;

import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.MessageKind;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns the {@code stream.NAME.ATTRIBUTE} settings into {@link StreamSpec}s once the run's length is
 * final (stream start, stop and rate profiles live on the run's timeline). Later settings of the same
 * key replace earlier ones ({@code --set} after the file).
 * <p>
 * <b>Threading:</b> not thread-safe; one per configuration.
 */
public final class StreamsReader
{
    public static final String PREFIX = "stream.";
    public static final Set<String> ATTRIBUTES =
        Set.of("class", "channel", "rate", "start", "stop", "recipients", "payload", "catalog", "connections");
    public static final int DEFAULT_POOL = 100_000;
    public static final int DEFAULT_PAYLOAD_BYTES = 60;
    public static final int MAX_STREAMS = 16;

    private final Map<String, Map<String, Setting>> streams = new LinkedHashMap<>();

    /** @throws ScenarioException for a malformed stream key or an unknown attribute. */
    public void add(final Setting s)
    {
        final String rest = s.key().substring(PREFIX.length());
        final int dot = rest.indexOf('.');
        if (dot <= 0 || dot == rest.length() - 1)
        {
            throw s.error("is not a stream key; expected stream.NAME.ATTRIBUTE with ATTRIBUTE one of " + sorted());
        }
        final String name = rest.substring(0, dot);
        final String attribute = rest.substring(dot + 1);
        if (!name.matches("[A-Za-z0-9_-]+"))
        {
            throw s.error("stream name '" + name + "' may only use letters, digits, '-' and '_'");
        }
        if (!ATTRIBUTES.contains(attribute))
        {
            throw s.error("unknown stream attribute '" + attribute + "'; known: " + sorted());
        }
        if (!streams.containsKey(name) && streams.size() == MAX_STREAMS)
        {
            throw s.error("more than " + MAX_STREAMS + " streams");
        }
        streams.computeIfAbsent(name, k -> new LinkedHashMap<>()).put(attribute, s);
    }

    public boolean isEmpty()
    {
        return streams.isEmpty();
    }

    /**
     * @param timelineNs the run's length, warm-up included: stream times are on this timeline.
     * @throws ScenarioException naming the setting (key and line) of the first invalid value.
     */
    public List<StreamSpec> build(final long timelineNs)
    {
        final List<StreamSpec> specs = new ArrayList<>();
        for (final Map.Entry<String, Map<String, Setting>> e : streams.entrySet())
        {
            specs.add(stream(e.getKey(), e.getValue(), timelineNs));
        }
        return specs;
    }

    private static StreamSpec stream(final String name, final Map<String, Setting> a, final long timelineNs)
    {
        final Setting rate = a.get("rate");
        if (rate == null)
        {
            final Setting any = a.values().iterator().next();
            throw any.error("stream '" + name + "' has no stream." + name + ".rate; forms: " + RateProfiles.FORMS);
        }
        final MessageKind kind = a.containsKey("class") ? kind(a.get("class")) : MessageKind.INFORMATIONAL;
        final long startNs = a.containsKey("start") ? time(a.get("start"), timelineNs) : 0;
        final long stopNs = a.containsKey("stop") ? time(a.get("stop"), timelineNs) : timelineNs;
        if (stopNs <= startNs)
        {
            throw (a.containsKey("stop") ? a.get("stop") : a.get("start")).error(
                "stream '" + name + "' stops at or before it starts (start " + startNs / 1e9 + " s, stop " +
                stopNs / 1e9 + " s; times are seconds from the run's start, warm-up included)");
        }
        final RateProfile profile;
        try
        {
            profile = RateProfiles.parse(rate.value(), startNs, stopNs);
        }
        catch (final IllegalArgumentException ex)
        {
            throw rate.error(ex.getMessage());
        }
        if (profile.totalCount() < 1)
        {
            throw rate.error("offers no messages between the stream's start and stop");
        }
        final Recipients recipients = a.containsKey("recipients") ?
            parse(a.get("recipients"), Recipients::parse) : Recipients.sequential(DEFAULT_POOL);
        final Payload payload = a.containsKey("payload") ?
            parse(a.get("payload"), Payload::parse) : Payload.fixed(DEFAULT_PAYLOAD_BYTES);
        final Setting channelSetting = a.get("channel");
        final List<ChannelType> channels = new ArrayList<>();
        final List<Integer> weights = new ArrayList<>();
        if (channelSetting == null)
        {
            channels.add(ChannelType.SMS);
            weights.add(1);
        }
        else
        {
            channelMix(channelSetting, channels, weights);
        }
        int catalog = StreamSpec.DEFAULT_CATALOG;
        if (a.containsKey("catalog"))
        {
            catalog = wholeNumber(a.get("catalog"), 1, StreamSpec.MAX_CATALOG);
        }
        if (recipients.kind() == Recipients.Kind.SEQUENTIAL)
        {
            // One entry per recipient, so the cycle visits every recipient exactly once per round.
            catalog = recipients.pool();
        }
        final int connections = a.containsKey("connections") ?
            wholeNumber(a.get("connections"), 1, StreamSpec.MAX_CONNECTIONS) : StreamSpec.SHARED;
        return new StreamSpec(name, kind, channels.toArray(new ChannelType[0]),
            weights.stream().mapToInt(Integer::intValue).toArray(), profile, recipients, payload, catalog, connections);
    }

    private interface Parser<T>
    {
        T parse(String value);
    }

    private static <T> T parse(final Setting s, final Parser<T> parser)
    {
        try
        {
            return parser.parse(s.value());
        }
        catch (final IllegalArgumentException ex)
        {
            throw s.error(ex.getMessage());
        }
    }

    public static MessageKind kind(final Setting s)
    {
        try
        {
            return MessageKind.valueOf(s.value().trim().toUpperCase(Locale.ROOT));
        }
        catch (final IllegalArgumentException ex)
        {
            throw s.error("must be one of informational | auth | marketing, got '" + s.value() + "'");
        }
    }

    private static void channelMix(final Setting s, final List<ChannelType> channels, final List<Integer> weights)
    {
        for (final String part : s.value().split(","))
        {
            final String[] cw = part.trim().split(":");
            final ChannelType channel;
            try
            {
                channel = ChannelType.valueOf(cw[0].trim().toUpperCase(Locale.ROOT));
            }
            catch (final IllegalArgumentException ex)
            {
                throw s.error("unknown channel '" + cw[0].trim() + "'; expected sms | push | chat, or a mix like " +
                    "'sms:70,push:20,chat:10'");
            }
            int weight = 1;
            if (cw.length == 2)
            {
                try
                {
                    weight = Integer.parseInt(cw[1].trim());
                }
                catch (final NumberFormatException ex)
                {
                    weight = -1;
                }
            }
            if (cw.length > 2 || weight < 1 || weight > 1_000_000 || channels.contains(channel))
            {
                throw s.error("'" + part.trim() + "' is not CHANNEL or CHANNEL:WEIGHT (weight a whole number >= 1, " +
                    "each channel once), e.g. 'sms:70,push:20,chat:10'");
            }
            channels.add(channel);
            weights.add(weight);
        }
    }

    /** A time on the run's timeline: a duration ({@code 20s}) or a share of the whole run ({@code 50%}). */
    static long time(final Setting s, final long timelineNs)
    {
        final long ns;
        try
        {
            final String v = s.value().trim();
            if (v.endsWith("%"))
            {
                final double share = Double.parseDouble(v.substring(0, v.length() - 1).trim());
                if (!(share >= 0 && share <= 100))
                {
                    throw new IllegalArgumentException("a share of the run must be 0%..100%, got '" + v + "'");
                }
                return Math.round(timelineNs * share / 100);
            }
            ns = Durations.parseNs(v);
        }
        catch (final NumberFormatException ex)
        {
            throw s.error("'" + s.value() + "' is not a time (e.g. 20s, or 50% of the run)");
        }
        catch (final IllegalArgumentException ex)
        {
            throw s.error(ex.getMessage());
        }
        if (ns > timelineNs)
        {
            throw s.error("is after the run's end (" + timelineNs / 1e9 + " s = warm-up + duration)");
        }
        return ns;
    }

    static int wholeNumber(final Setting s, final int min, final int max)
    {
        try
        {
            final int v = Integer.parseInt(s.value().trim());
            if (v >= min && v <= max)
            {
                return v;
            }
        }
        catch (final NumberFormatException ex)
        {
            // reported below
        }
        throw s.error("must be a whole number " + min + ".." + max + ", got '" + s.value() + "'");
    }

    private static String sorted()
    {
        return new java.util.TreeSet<>(ATTRIBUTES).toString();
    }
}
