package io.dispatch.load.scenario;

import io.dispatch.protocol.ChannelType;

import java.util.Map;

/**
 * An engine-side campaign a run starts on top of its streams: the generator loads a synthetic directory of
 * {@code recipients} members (member {@code i} has the address the streams use for index {@code i}, and ad
 * consent), then starts a campaign over all of them at {@code startNs} on the run's timeline. This is how a
 * scenario puts a million-recipient campaign on the same lane as live traffic: the campaign's messages are made
 * inside the engine by its fan-out, not sent by the generator.
 *
 * @param recipients directory members, 1..{@link #MAX_RECIPIENTS} (a scenario turns its campaign off with 0).
 * @param channel    the campaign's one channel.
 * @param startNs    when the campaign starts, on the run's timeline (0 = start of the warm-up).
 * @param pacing     fan-out pacing per second, 0 = as fast as the engine admits.
 * @param templateId the engine template (ad-marked, as every marketing template).
 * @param vars       the template's variables.
 */
public record CampaignSpec(int recipients, ChannelType channel, long startNs, int pacing, String templateId,
    Map<String, String> vars)
{
    public static final int MAX_RECIPIENTS = 10_000_000;

    @Override
    public String toString()
    {
        return "campaign(" + recipients + " recipients, " + channel.name().toLowerCase(java.util.Locale.ROOT) +
            ", start " + startNs / 1_000_000 + " ms, pacing " + (pacing == 0 ? "off" : pacing + "/s") + ", template " +
            templateId + ")";
    }
}
