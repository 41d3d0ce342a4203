package io.dispatch.load;

import io.dispatch.client.Submit;
import io.dispatch.load.scenario.Payload;
import io.dispatch.load.scenario.Recipients;
import io.dispatch.load.scenario.StreamSpec;
import io.dispatch.protocol.ChannelType;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Pre-built, immutable {@link Submit}s of one stream, so the send path builds nothing: message {@code g}
 * of the stream is entry {@code g mod size}. The table is filled once from the stream's distributions
 * (seeded, so runs repeat): channels by smooth weighted round-robin (exact proportions, interleaved),
 * recipients and payload sizes sampled. With {@code sequential} recipients there is one entry per
 * recipient in order, so repeats to one recipient are as far apart as the pool allows.
 * <p>
 * The price of a table is that a stream addresses at most {@link StreamSpec#catalog()} distinct
 * recipient slots per round (documented as the {@code catalog} key).
 * <p>
 * <b>Threading:</b> immutable after construction; shared by all senders.
 */
public final class MessageCatalog
{
    private static final String FILLER = "loadtest message: the quick brown fox jumps over the lazy dog. ";

    private final Submit[] submits;
    private final int classIndex;

    public MessageCatalog(final StreamSpec spec, final long seed, final int streamIndex)
    {
        final SplittableRandom random = new SplittableRandom(seed * 1_000_003L + streamIndex);
        final Recipients recipients = spec.recipients();
        final Payload payload = spec.payload();
        final Map<Long, String> recipientNames = new HashMap<>();
        final Map<Integer, String> texts = new HashMap<>();
        final int channels = spec.channelCount();
        final long[] current = new long[channels];
        long totalWeight = 0;
        for (int c = 0; c < channels; c++)
        {
            totalWeight += spec.channelWeight(c);
        }
        submits = new Submit[spec.catalog()];
        classIndex = MessageClasses.index(spec.kind());
        for (int i = 0; i < submits.length; i++)
        {
            final ChannelType channel = spec.channel(nextChannel(spec, current, totalWeight));
            final int recipient = recipients.sample(random, i);
            // Sequential recipients are all distinct: a cache would only cost memory.
            final String to = recipients.kind() == Recipients.Kind.SEQUENTIAL ? recipient(channel, recipient) :
                recipientNames.computeIfAbsent(((long)channel.ordinal() << 32) | recipient, k -> recipient(channel, recipient));
            final Submit.Builder b = Submit.builder().kind(spec.kind()).channel(channel).to(to);
            if (payload.template() != null)
            {
                b.template(payload.template());
                payload.vars().forEach(b::var);
            }
            else
            {
                b.text(texts.computeIfAbsent(payload.sampleLength(random), MessageCatalog::text));
            }
            submits[i] = b.build();
        }
    }

    /** Smooth weighted round-robin (as nginx does): each pick goes to the channel furthest behind its share. */
    private static int nextChannel(final StreamSpec spec, final long[] current, final long totalWeight)
    {
        int best = 0;
        for (int c = 0; c < current.length; c++)
        {
            current[c] += spec.channelWeight(c);
            if (current[c] > current[best])
            {
                best = c;
            }
        }
        current[best] -= totalWeight;
        return best;
    }

    public Submit forIndex(final long streamIndex)
    {
        return submits[(int)(streamIndex % submits.length)];
    }

    /** @return the class of every message of this stream, as a {@link MessageClasses} index. */
    public int classIndex()
    {
        return classIndex;
    }

    public int size()
    {
        return submits.length;
    }

    /** @return a plausible recipient of the channel: phone number, push token or chat user key. */
    public static String recipient(final ChannelType channel, final int index)
    {
        switch (channel)
        {
            case PUSH: return String.format("loadtest-token-%016x", index * 0x9E3779B97F4A7C15L);
            case CHAT: return "loadtest-user-" + index;
            case SMS:
            default: return String.format("010%08d", index);
        }
    }

    /** @return ASCII text of exactly {@code bytes} bytes. */
    public static String text(final int bytes)
    {
        final StringBuilder sb = new StringBuilder(bytes);
        while (sb.length() < bytes)
        {
            sb.append(FILLER, 0, Math.min(FILLER.length(), bytes - sb.length()));
        }
        final String s = sb.toString();
        assert s.getBytes(StandardCharsets.UTF_8).length == bytes;
        return s;
    }
}
