package io.dispatch.targeting;

import io.dispatch.protocol.CampaignDescriptor;
import io.dispatch.protocol.ChannelType;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the admin endpoint shows of the directory and the campaigns (Prometheus text). The targeting thread
 * publishes; the admin thread reads: counters are atomics, the campaign list an immutable snapshot.
 */
public final class TargetingMetrics
{
    /** A campaign as the metrics name it. */
    record CampaignInfo(long id, String tenant, String name, int slot, byte state)
    {
    }

    final AtomicLong opsApplied = new AtomicLong();
    final AtomicLong opsRejected = new AtomicLong();
    final AtomicLong recipients = new AtomicLong();
    /** CONSENT events the directory's restrictions added to the address map (journaled). */
    final AtomicLong restrictionsPublished = new AtomicLong();
    private final CampaignStats stats;
    private volatile List<CampaignInfo> campaigns = List.of();

    TargetingMetrics(final CampaignStats stats)
    {
        this.stats = stats;
    }

    void publish(final List<CampaignInfo> latest)
    {
        campaigns = List.copyOf(latest);
    }

    public void appendPrometheus(final StringBuilder sb)
    {
        sb.append("# TYPE dispatch_directory_ops_applied_total counter\ndispatch_directory_ops_applied_total ")
            .append(opsApplied.get()).append('\n');
        sb.append("# TYPE dispatch_directory_ops_rejected_total counter\ndispatch_directory_ops_rejected_total ")
            .append(opsRejected.get()).append('\n');
        sb.append("# TYPE dispatch_directory_recipients gauge\ndispatch_directory_recipients ")
            .append(recipients.get()).append('\n');
        sb.append("# TYPE dispatch_directory_consent_restrictions_total counter\n")
            .append("dispatch_directory_consent_restrictions_total ").append(restrictionsPublished.get()).append('\n');
        final List<CampaignInfo> list = campaigns;
        if (list.isEmpty())
        {
            return;
        }
        sb.append("# TYPE dispatch_campaign_state gauge\n");
        for (final CampaignInfo c : list)
        {
            labels(sb.append("dispatch_campaign_state"), c, "").append(' ').append(c.state()).append('\n');
        }
        counter(sb, list, "targeted", CampaignDescriptor.COUNTER_TARGETED);
        counter(sb, list, "unreachable", CampaignDescriptor.COUNTER_UNREACHABLE);
        counter(sb, list, "sender_opted_out", CampaignDescriptor.COUNTER_SENDER_OPT_OUT);
        counter(sb, list, "duplicates", CampaignDescriptor.COUNTER_DUPLICATE);
        counter(sb, list, "messages_cancelled", CampaignDescriptor.COUNTER_CANCELLED);
        sb.append("# TYPE dispatch_campaign_messages_total counter\n");
        for (final CampaignInfo c : list)
        {
            for (final ChannelType ch : ChannelType.values())
            {
                final String channel = ch.name().toLowerCase(java.util.Locale.ROOT);
                outcome(sb, c, channel, "fanned_out", CampaignDescriptor.channelCounter(ch.code(),
                    CampaignDescriptor.CHANNEL_FANNED_OUT));
                outcome(sb, c, channel, "delivered", CampaignDescriptor.channelCounter(ch.code(),
                    CampaignDescriptor.CHANNEL_DELIVERED));
                outcome(sb, c, channel, "failed", CampaignDescriptor.channelCounter(ch.code(),
                    CampaignDescriptor.CHANNEL_FAILED));
            }
        }
        sb.append("# TYPE dispatch_campaign_suppressed_total counter\n");
        for (final CampaignInfo c : list)
        {
            stats.forEach(c.slot(), (counter, value) ->
            {
                if (counter >= CampaignDescriptor.COUNTER_SUPPRESSED_BASE)
                {
                    labels(sb.append("dispatch_campaign_suppressed_total"), c,
                        ",reason=\"" + (counter - CampaignDescriptor.COUNTER_SUPPRESSED_BASE) + '"')
                        .append(' ').append(value).append('\n');
                }
            });
        }
    }

    private void counter(final StringBuilder sb, final List<CampaignInfo> list, final String name, final int counter)
    {
        sb.append("# TYPE dispatch_campaign_").append(name).append(" gauge\n");
        for (final CampaignInfo c : list)
        {
            labels(sb.append("dispatch_campaign_").append(name), c, "").append(' ').append(stats.get(c.slot(), counter))
                .append('\n');
        }
    }

    private void outcome(final StringBuilder sb, final CampaignInfo c, final String channel, final String outcome,
        final int counter)
    {
        final long v = stats.get(c.slot(), counter);
        if (v != 0)
        {
            labels(sb.append("dispatch_campaign_messages_total"), c,
                ",channel=\"" + channel + "\",outcome=\"" + outcome + '"').append(' ').append(v).append('\n');
        }
    }

    /** @param more further labels, each starting with a comma */
    private static StringBuilder labels(final StringBuilder sb, final CampaignInfo c, final String more)
    {
        return sb.append("{id=\"").append(c.id()).append("\",tenant=\"").append(c.tenant())
            .append("\",campaign=\"").append(c.name().replace("\\", "\\\\").replace("\"", "\\\""))
            .append('"').append(more).append('}');
    }
}
