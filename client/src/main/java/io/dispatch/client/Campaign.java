package io.dispatch.client;

import io.dispatch.protocol.CampaignDescriptor;
import io.dispatch.protocol.CampaignFlyweight;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.SubmitDescriptor;
import io.netty.buffer.ByteBuf;
import org.agrona.ExpandableArrayBuffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A campaign to start with {@link DispatchClient#startCampaign}: one marketing message per recipient of a
 * directory segment (docs/segments.md), on the first channel of its order that reaches the recipient, with that
 * channel's template (docs/campaigns.md). {@link Builder#build()} checks every limit of the CAMPAIGN body, naming
 * the field. With {@link Builder#dryRun} the engine only counts what each recipient's decision would be.
 * <p>
 * Immutable and thread-safe; the {@link Builder} is not.
 */
public final class Campaign
{
    private final String name;
    private final String segment;
    private final List<ChannelType> channels;
    private final Map<ChannelType, String> templates;
    private final Map<String, String> vars;
    private final int pacingPerSecond;
    private final long startAtEpochMs;
    private final int ttlSeconds;
    private final String senderNumber;
    private final boolean dryRun;

    private Campaign(final Builder b)
    {
        name = b.name;
        segment = b.segment;
        channels = List.copyOf(b.channels);
        templates = Collections.unmodifiableMap(new EnumMap<>(b.templates));
        vars = Collections.unmodifiableMap(new LinkedHashMap<>(b.vars));
        pacingPerSecond = b.pacingPerSecond;
        startAtEpochMs = b.startAtEpochMs;
        ttlSeconds = b.ttlSeconds;
        senderNumber = b.senderNumber;
        dryRun = b.dryRun;
    }

    public static Builder builder()
    {
        return new Builder();
    }

    public String name()
    {
        return name;
    }

    public String segment()
    {
        return segment;
    }

    /** @return the channels in preference order. */
    public List<ChannelType> channels()
    {
        return channels;
    }

    public Map<ChannelType, String> templates()
    {
        return templates;
    }

    public Map<String, String> vars()
    {
        return vars;
    }

    public int pacingPerSecond()
    {
        return pacingPerSecond;
    }

    public long startAtEpochMs()
    {
        return startAtEpochMs;
    }

    public int ttlSeconds()
    {
        return ttlSeconds;
    }

    public String senderNumber()
    {
        return senderNumber;
    }

    public boolean dryRun()
    {
        return dryRun;
    }

    /** Appends the CAMPAIGN body, written by {@link CampaignFlyweight} (once per campaign: it allocates). */
    void writeBody(final ByteBuf out)
    {
        final ExpandableArrayBuffer body = new ExpandableArrayBuffer(256);
        final byte[] order = new byte[channels.size()];
        for (int i = 0; i < order.length; i++)
        {
            order[i] = channels.get(i).code();
        }
        final CampaignFlyweight w = new CampaignFlyweight().wrapForEncode(body, 0)
            .fixed(dryRun ? CampaignDescriptor.FLAG_DRY_RUN : 0, pacingPerSecond, startAtEpochMs, ttlSeconds)
            .name(utf8(name))
            .senderNumber(utf8(senderNumber))
            .channels(order)
            .templateCount(templates.size());
        for (final ChannelType c : channels)
        {
            w.template(c.code(), utf8(templates.get(c)));
        }
        w.segment(utf8(segment)).varCount(vars.size());
        vars.forEach((k, v) -> w.var(utf8(k), utf8(v)));
        out.writeBytes(body.byteArray(), 0, w.encodedLength());
    }

    private static byte[] utf8(final String s)
    {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Builds a {@link Campaign}; not thread-safe. */
    public static final class Builder
    {
        private String name;
        private String segment;
        private final List<ChannelType> channels = new ArrayList<>();
        private final Map<ChannelType, String> templates = new EnumMap<>(ChannelType.class);
        private final Map<String, String> vars = new LinkedHashMap<>();
        private int pacingPerSecond;
        private long startAtEpochMs;
        private int ttlSeconds;
        private String senderNumber = "";
        private boolean dryRun;

        private Builder()
        {
        }

        /** Sets the name (required, 1..64 bytes): tenant-scoped and idempotent, the same name answers the same campaign. */
        public Builder name(final String name)
        {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /** Sets the segment expression (required, 1..4000 bytes; docs/segments.md). */
        public Builder segment(final String segment)
        {
            this.segment = Objects.requireNonNull(segment, "segment");
            return this;
        }

        /** Sets the channels in preference order (1..3, each once), e.g. CHAT, PUSH, SMS. */
        public Builder channels(final ChannelType... order)
        {
            channels.clear();
            channels.addAll(List.of(order));
            return this;
        }

        /** Sets the template of one channel; every channel of the order needs one. */
        public Builder template(final ChannelType channel, final String templateId)
        {
            templates.put(Objects.requireNonNull(channel, "channel"), Objects.requireNonNull(templateId, "templateId"));
            return this;
        }

        /** Adds a constant template variable (at most 40); other placeholders come from recipient attributes. */
        public Builder var(final String name, final String value)
        {
            vars.put(Objects.requireNonNull(name, "var name"), Objects.requireNonNull(value, "var value"));
            return this;
        }

        /** Sets the fan-out rate in recipients per second; 0 (default) = as fast as the lanes take it. */
        public Builder pacingPerSecond(final int pacingPerSecond)
        {
            this.pacingPerSecond = pacingPerSecond;
            return this;
        }

        /** Sets when to start; 0 (default) = now. */
        public Builder startAt(final long epochMs)
        {
            this.startAtEpochMs = epochMs;
            return this;
        }

        /** Sets each message's time to live; 0 (default) = the engine default. */
        public Builder ttlSeconds(final int ttlSeconds)
        {
            this.ttlSeconds = ttlSeconds;
            return this;
        }

        /** Sets the sender number whose opt-out list applies (0..32 bytes; empty = none). */
        public Builder senderNumber(final String senderNumber)
        {
            this.senderNumber = Objects.requireNonNull(senderNumber, "senderNumber");
            return this;
        }

        /** Dry run: the engine counts what would happen and sends nothing (state EXPLAINED, id 0). */
        public Builder dryRun(final boolean dryRun)
        {
            this.dryRun = dryRun;
            return this;
        }

        /** @throws IllegalArgumentException naming the first field out of its limits. */
        public Campaign build()
        {
            requireBytes("name", name, 1, CampaignDescriptor.MAX_NAME_LENGTH);
            requireBytes("segment", segment, 1, CampaignDescriptor.MAX_SEGMENT_LENGTH);
            requireBytes("senderNumber", senderNumber, 0, CampaignDescriptor.MAX_SENDER_LENGTH);
            if (channels.isEmpty() || channels.size() > 3 || channels.stream().distinct().count() != channels.size())
            {
                throw new IllegalArgumentException("channels: 1..3 distinct channels, was " + channels);
            }
            for (final ChannelType c : channels)
            {
                if (!templates.containsKey(c))
                {
                    throw new IllegalArgumentException("template: none for channel " + c + " of the order");
                }
                requireBytes("template of " + c, templates.get(c), 1, SubmitDescriptor.MAX_TEMPLATE_ID_LENGTH);
            }
            for (final ChannelType c : templates.keySet())
            {
                if (!channels.contains(c))
                {
                    throw new IllegalArgumentException("template: channel " + c + " is not in the channel order");
                }
            }
            if (vars.size() > CampaignDescriptor.MAX_VARS)
            {
                throw new IllegalArgumentException("var: at most " + CampaignDescriptor.MAX_VARS + ", was " + vars.size());
            }
            vars.forEach((k, v) ->
            {
                requireBytes("var name", k, 1, SubmitDescriptor.MAX_VAR_NAME_LENGTH);
                requireBytes("var " + k, v, 0, SubmitDescriptor.MAX_VAR_VALUE_LENGTH);
            });
            if (pacingPerSecond < 0 || ttlSeconds < 0 || startAtEpochMs < 0)
            {
                throw new IllegalArgumentException("pacingPerSecond, ttlSeconds and startAt must not be negative");
            }
            return new Campaign(this);
        }

        private static void requireBytes(final String field, final String value, final int min, final int max)
        {
            final int length = value == null ? -1 : value.getBytes(StandardCharsets.UTF_8).length;
            if (length < min || length > max)
            {
                throw new IllegalArgumentException(field + ": " + (value == null ? "required" :
                    length + " bytes UTF-8, allowed " + min + ".." + max));
            }
        }
    }
}
