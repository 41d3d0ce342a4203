package io.dispatch.targeting;

import io.dispatch.config.TemplateRegistry;
import io.dispatch.protocol.CampaignFlyweight;
import io.dispatch.protocol.ChannelType;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A CAMPAIGN frame body, parsed and checked against the engine's templates (layout: {@link CampaignFlyweight}). */
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
        final CampaignFlyweight body = new CampaignFlyweight().wrap(new UnsafeBuffer(b), offset, length);
        if (body.validate() != null)
        {
            throw new Invalid(body.problem());
        }
        dryRun = body.dryRun();
        pacingPerSecond = (int)body.pacingPerSecond();
        startAtMs = body.startAtEpochMs();
        ttlSeconds = (int)body.ttlSeconds();
        name = body.name();
        sender = copy(b, body.senderNumberOffset(), body.senderNumberLength());
        channels = new byte[body.channelCount()];
        for (int i = 0; i < channels.length; i++)
        {
            channels[i] = (byte)body.channel(i);
        }
        for (int i = 0, t = body.firstTemplate(); i < body.templateCount(); i++, t = body.nextTemplate(t))
        {
            final String id = body.templateId(t);
            final int index = templates.find(id);
            if (index < 0)
            {
                throw new Invalid("templateId '" + id + "' is not configured");
            }
            if (!templates.isAdMarked(index))
            {
                throw new Invalid("templateId '" + id + "': a campaign is marketing, its template must start with " +
                    "(광고) and carry a free opt-out notice");
            }
            final int ch = body.templateChannel(t);
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
        segment = body.segment();
        varNames = new byte[body.varCount()][];
        varValues = new byte[varNames.length][];
        for (int i = 0, v = body.firstVar(); i < varNames.length; i++, v = body.nextVar(v))
        {
            varNames[i] = copy(b, body.varNameOffset(v), body.varNameLength(v));
            varValues[i] = copy(b, body.varValueOffset(v), body.varValueLength(v));
        }
    }

    /**
     * Reads a CAMPAIGN body (from the wire, or journaled), checks it ({@link CampaignFlyweight#validate()}) and
     * resolves its templates.
     */
    static CampaignSpec parse(final byte[] body, final int offset, final int length, final TemplateRegistry templates)
        throws Invalid
    {
        return new CampaignSpec(body, offset, length, templates);
    }

    private static byte[] copy(final byte[] b, final int offset, final int length)
    {
        return Arrays.copyOfRange(b, offset, offset + length);
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
}
