package io.dispatch.load;

import io.dispatch.client.Submit;
import io.dispatch.protocol.ChannelType;

import java.nio.charset.StandardCharsets;

/**
 * Pre-built, immutable {@link Submit}s, one per recipient of the pool, so the send path builds
 * nothing. Message {@code g} of the schedule goes to recipient {@code g mod pool}: cycling in order
 * spaces repeats to one recipient as far apart as the pool allows (frequency caps stay quiet).
 * <p>
 * <b>Threading:</b> immutable after construction; shared by all senders.
 */
public final class MessageCatalog
{
    private static final String FILLER = "loadtest message: the quick brown fox jumps over the lazy dog. ";

    private final Submit[] submits;

    public MessageCatalog(final LoadTestConfig config)
    {
        final String text = text(config.payloadBytes());
        submits = new Submit[config.recipients()];
        for (int i = 0; i < submits.length; i++)
        {
            submits[i] = Submit.builder()
                .kind(config.kind())
                .channel(config.channel())
                .to(recipient(config.channel(), i))
                .text(text)
                .build();
        }
    }

    public Submit forIndex(final long globalIndex)
    {
        return submits[(int)(globalIndex % submits.length)];
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
