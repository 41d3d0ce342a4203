package io.dispatch.load.scenario;

import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.MessageKind;

import java.util.Locale;

/**
 * One traffic stream of a scenario: a message class, a channel mix, a rate profile on the run's timeline,
 * a recipient distribution and a payload. Streams overlap freely, so "a marketing burst on top of steady
 * informational traffic" is two streams. Each stream is paced open-loop on its own schedule.
 * <p>
 * <b>Threading:</b> immutable.
 */
public final class StreamSpec
{
    /** Default size of a stream's pre-built message table (see docs/load-testing.md, "catalog"). */
    public static final int DEFAULT_CATALOG = 65_536;
    public static final int MAX_CATALOG = 4_194_304;
    /** {@link #connections()} of a stream that shares the run's connections with the other such streams. */
    public static final int SHARED = 0;
    /** Most connections of a run, and so of one stream. */
    public static final int MAX_CONNECTIONS = 256;

    private final String name;
    private final MessageKind kind;
    private final ChannelType[] channels;
    private final int[] channelWeights;
    private final RateProfile profile;
    private final Recipients recipients;
    private final Payload payload;
    private final int catalog;
    private final int connections;

    /** A stream on the run's shared connections. */
    public StreamSpec(
        final String name,
        final MessageKind kind,
        final ChannelType[] channels,
        final int[] channelWeights,
        final RateProfile profile,
        final Recipients recipients,
        final Payload payload,
        final int catalog)
    {
        this(name, kind, channels, channelWeights, profile, recipients, payload, catalog, SHARED);
    }

    /** @param connections the stream's own connections, or {@link #SHARED}. */
    public StreamSpec(
        final String name,
        final MessageKind kind,
        final ChannelType[] channels,
        final int[] channelWeights,
        final RateProfile profile,
        final Recipients recipients,
        final Payload payload,
        final int catalog,
        final int connections)
    {
        if (channels.length == 0 || channels.length != channelWeights.length)
        {
            throw new IllegalArgumentException("a stream needs at least one channel, with one weight each");
        }
        this.name = name;
        this.kind = kind;
        this.channels = channels.clone();
        this.channelWeights = channelWeights.clone();
        this.profile = profile;
        this.recipients = recipients;
        this.payload = payload;
        this.catalog = catalog;
        this.connections = connections;
    }

    public String name() { return name; }
    public MessageKind kind() { return kind; }
    public RateProfile profile() { return profile; }
    public Recipients recipients() { return recipients; }
    public Payload payload() { return payload; }
    /** @return entries in the stream's pre-built message table (sequential recipients: the pool size). */
    public int catalog() { return catalog; }
    /** @return how many connections carry this stream alone, or {@link #SHARED}. */
    public int connections() { return connections; }
    public int channelCount() { return channels.length; }
    public ChannelType channel(final int i) { return channels[i]; }
    public int channelWeight(final int i) { return channelWeights[i]; }

    /** @return the same stream with its rates multiplied by {@code factor}. */
    public StreamSpec scaled(final double factor)
    {
        return new StreamSpec(name, kind, channels, channelWeights, profile.scaled(factor), recipients, payload,
            catalog, connections);
    }

    /** @return e.g. {@code sms:70,push:30}. */
    public String channelMix()
    {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < channels.length; i++)
        {
            sb.append(i == 0 ? "" : ",").append(channels[i].name().toLowerCase(Locale.ROOT));
            if (channels.length > 1)
            {
                sb.append(':').append(channelWeights[i]);
            }
        }
        return sb.toString();
    }

    @Override
    public String toString()
    {
        return name + "[" + kind.name().toLowerCase(Locale.ROOT) + " " + channelMix() + " rate=" + profile +
            " recipients=" + recipients + " payload=" + payload +
            (connections == SHARED ? "" : " connections=" + connections) + "]";
    }
}
