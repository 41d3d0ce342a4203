package io.dispatch.targeting;

import io.dispatch.config.TemplateRegistry;
import io.dispatch.protocol.CampaignDescriptor;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.Utf8;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static io.dispatch.targeting.DirectoryRecords.i64;
import static io.dispatch.targeting.DirectoryRecords.u16;
import static io.dispatch.targeting.DirectoryRecords.u8;

/** A CAMPAIGN frame body, parsed and checked against the engine's templates (layout: {@link CampaignDescriptor}). */
final class CampaignSpec
{
    /** A campaign the engine cannot run; the message names the field. */
    static final class Invalid extends Exception
    {
        Invalid(final String message)
        {
            super(message, null, false, false);
        }
    }

    final boolean dryRun;
    final int pacingPerSecond;
    final long startAtMs;
    final int ttlSeconds;
    final String name;
    final byte[] sender;
    final byte[] channels;
    /** By channel code: the template index, -1 where the campaign has none. */
    final int[] templateByChannel = {-1, -1, -1, -1};
    final byte[][] templateIdByChannel = new byte[4][];
    final String segment;
    final byte[][] varNames;
    final byte[][] varValues;

    private CampaignSpec(final byte[] b, final int offset, final int length, final TemplateRegistry templates)
        throws Invalid
    {
        final int end = offset + length;
        if (length < CampaignDescriptor.NAME_OFFSET + 1)
        {
            throw new Invalid("CAMPAIGN body shorter than " + (CampaignDescriptor.NAME_OFFSET + 1) + " bytes");
        }
        final int flags = u16(b, offset);
        if ((flags & ~CampaignDescriptor.FLAG_DRY_RUN) != 0)
        {
            throw new Invalid("flags (only bit 0, dry run, is defined)");
        }
        dryRun = (flags & CampaignDescriptor.FLAG_DRY_RUN) != 0;
        final long pacing = DirectoryRecords.i32(b, offset + CampaignDescriptor.PACING_OFFSET) & 0xFFFF_FFFFL;
        if (pacing > 10_000_000)
        {
            throw new Invalid("pacingPerSecond above 10,000,000");
        }
        pacingPerSecond = (int)pacing;
        startAtMs = i64(b, offset + CampaignDescriptor.START_AT_OFFSET);
        if (startAtMs < 0)
        {
            throw new Invalid("startAtEpochMs");
        }
        final long ttl = DirectoryRecords.i32(b, offset + CampaignDescriptor.TTL_OFFSET) & 0xFFFF_FFFFL;
        if (ttl > Integer.MAX_VALUE)
        {
            throw new Invalid("ttlSeconds");
        }
        ttlSeconds = (int)ttl;
        final Cursor c = new Cursor(b, offset + CampaignDescriptor.NAME_OFFSET, end);
        name = c.str8("name", 1, CampaignDescriptor.MAX_NAME_LENGTH);
        sender = c.str8("senderNumber", 0, CampaignDescriptor.MAX_SENDER_LENGTH).getBytes(StandardCharsets.UTF_8);
        final int channelCount = c.u8("channelCount");
        if (channelCount < 1 || channelCount > 3)
        {
            throw new Invalid("channelCount " + channelCount + " (1..3)");
        }
        channels = new byte[channelCount];
        for (int i = 0; i < channelCount; i++)
        {
            final int ch = c.u8("channel");
            if (ChannelType.of(ch) == null || indexOf(channels, i, ch) >= 0)
            {
                throw new Invalid("channel " + ch + " (1 sms, 2 push, 3 chat; each once)");
            }
            channels[i] = (byte)ch;
        }
        final int templateCount = c.u8("templateCount");
        for (int i = 0; i < templateCount; i++)
        {
            final int ch = c.u8("template channel");
            final String id = c.str8("templateId", 1, 64);
            if (ChannelType.of(ch) == null)
            {
                throw new Invalid("template channel " + ch);
            }
            final int index = templates.find(id);
            if (index < 0)
            {
                throw new Invalid("templateId '" + id + "' is not configured");
            }
            if (!templates.isAdMarked(index))
            {
                throw new Invalid("templateId '" + id + "': a campaign is marketing, its template must start with (광고)"
                    + " and carry a free opt-out notice");
            }
            templateByChannel[ch] = index;
            templateIdByChannel[ch] = id.getBytes(StandardCharsets.UTF_8);
        }
        for (final byte ch : channels)
        {
            if (templateByChannel[ch] < 0)
            {
                throw new Invalid("templates: no template for channel " + ChannelType.of(ch).name().toLowerCase());
            }
        }
        segment = c.str16("segment", 1, CampaignDescriptor.MAX_SEGMENT_LENGTH);
        final int varCount = c.u8("varCount");
        if (varCount > CampaignDescriptor.MAX_VARS)
        {
            throw new Invalid("varCount " + varCount + " (0.." + CampaignDescriptor.MAX_VARS + ")");
        }
        varNames = new byte[varCount][];
        varValues = new byte[varCount][];
        for (int i = 0; i < varCount; i++)
        {
            varNames[i] = c.str8("var name", 1, 64).getBytes(StandardCharsets.UTF_8);
            varValues[i] = c.str16("var value", 0, 1000).getBytes(StandardCharsets.UTF_8);
        }
        if (c.p != end)
        {
            throw new Invalid("bytes after the last variable");
        }
    }

    static CampaignSpec parse(final byte[] body, final int offset, final int length, final TemplateRegistry templates)
        throws Invalid
    {
        try
        {
            return new CampaignSpec(body, offset, length, templates);
        }
        catch (final ArrayIndexOutOfBoundsException ex)
        {
            throw new Invalid("CAMPAIGN body truncated");
        }
    }

    /** @return the constant value of a template variable, or null to take it from the recipient's attributes. */
    byte[] constant(final byte[] name)
    {
        for (int i = 0; i < varNames.length; i++)
        {
            if (Arrays.equals(varNames[i], name))
            {
                return varValues[i];
            }
        }
        return null;
    }

    private static int indexOf(final byte[] a, final int n, final int v)
    {
        for (int i = 0; i < n; i++)
        {
            if (a[i] == v)
            {
                return i;
            }
        }
        return -1;
    }

    private static final class Cursor
    {
        private final byte[] b;
        private final int end;
        int p;

        Cursor(final byte[] b, final int p, final int end)
        {
            this.b = b;
            this.p = p;
            this.end = end;
        }

        int u8(final String field) throws Invalid
        {
            need(1, field);
            return DirectoryRecords.u8(b, p++);
        }

        String str8(final String field, final int min, final int max) throws Invalid
        {
            final int n = u8(field + " length");
            return text(field, n, min, max);
        }

        String str16(final String field, final int min, final int max) throws Invalid
        {
            need(2, field + " length");
            final int n = u16(b, p);
            p += 2;
            return text(field, n, min, max);
        }

        private String text(final String field, final int n, final int min, final int max) throws Invalid
        {
            if (n < min || n > max)
            {
                throw new Invalid(field + " length " + n + " (" + min + ".." + max + ")");
            }
            need(n, field);
            if (!Utf8.isValid(b, p, n))
            {
                throw new Invalid(field + ": not valid UTF-8");
            }
            final String s = new String(b, p, n, StandardCharsets.UTF_8);
            p += n;
            return s;
        }

        private void need(final int n, final String field) throws Invalid
        {
            if (p + n > end)
            {
                throw new Invalid(field + " truncated");
            }
        }
    }
}
