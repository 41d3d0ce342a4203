package io.dispatch.targeting;

import io.dispatch.protocol.CampaignDescriptor;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.Reason;
import io.dispatch.status.CampaignStats;
import io.dispatch.status.PrometheusText;

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

    /** The campaigns as last published, by id. Any thread. */
    List<CampaignInfo> campaigns()
    {
        return campaigns;
    }

    public void appendPrometheus(final StringBuilder sb)
    {
        PrometheusText.family(sb, "dispatch_directory_ops_applied_total", "counter", "directory ops applied");
        PrometheusText.sample(sb, "dispatch_directory_ops_applied_total", opsApplied.get());
        PrometheusText.family(sb, "dispatch_directory_ops_rejected_total", "counter", "directory ops refused as invalid");
        PrometheusText.sample(sb, "dispatch_directory_ops_rejected_total", opsRejected.get());
        PrometheusText.family(sb, "dispatch_directory_recipients", "gauge", "recipients in the directory, all tenants");
        PrometheusText.sample(sb, "dispatch_directory_recipients", recipients.get());
        PrometheusText.family(sb, "dispatch_directory_consent_restrictions_total", "counter",
            "consent restrictions the directory published to the policy stage");
        PrometheusText.sample(sb, "dispatch_directory_consent_restrictions_total", restrictionsPublished.get());
        final List<CampaignInfo> list = campaigns;
        if (list.isEmpty())
        {
            return;
        }
        PrometheusText.family(sb, "dispatch_campaign_state", "gauge", "1 for the campaign's current state (label state)");
        for (final CampaignInfo c : list)
        {
            final String state = CampaignDescriptor.stateName(c.state());
            labels(sb.append("dispatch_campaign_state"), c,
                ",state=\"" + (state == null ? "UNKNOWN" : state) + '"').append(" 1\n");
        }
        PrometheusText.family(sb, "dispatch_campaign_targeted", "gauge", "recipients the segment matched at start");
        for (final CampaignInfo c : list)
        {
            labels(sb.append("dispatch_campaign_targeted"), c, "").append(' ')
                .append(stats.get(c.slot(), CampaignDescriptor.COUNTER_TARGETED)).append('\n');
        }
        counter(sb, list, "unreachable", "recipients skipped: no channel of the order reaches them",
            CampaignDescriptor.COUNTER_UNREACHABLE);
        counter(sb, list, "sender_opted_out", "recipients skipped: opted out of the sender number",
            CampaignDescriptor.COUNTER_SENDER_OPT_OUT);
        counter(sb, list, "duplicates", "recipients skipped: already sent to by this campaign (resumed fan-out)",
            CampaignDescriptor.COUNTER_DUPLICATE);
        counter(sb, list, "messages_cancelled", "messages cancelled before reaching a provider",
            CampaignDescriptor.COUNTER_CANCELLED);
        counter(sb, list, "fallback_avoided", "messages delivered before their lane's receipt deadline: fallback sends saved",
            CampaignDescriptor.COUNTER_FALLBACK_AVOIDED);
        PrometheusText.family(sb, "dispatch_campaign_messages_total", "counter",
            "campaign messages by channel and outcome (fanned_out, delivered, failed)");
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
        PrometheusText.family(sb, "dispatch_campaign_suppressed_total", "counter", "campaign messages suppressed, by reason");
        for (final CampaignInfo c : list)
        {
            stats.forEach(c.slot(), (counter, value) ->
            {
                if (counter >= CampaignDescriptor.COUNTER_SUPPRESSED_BASE)
                {
                    labels(sb.append("dispatch_campaign_suppressed_total"), c,
                        ",reason=\"" + Reason.of(counter - CampaignDescriptor.COUNTER_SUPPRESSED_BASE).name() + '"')
                        .append(' ').append(value).append('\n');
                }
            });
        }
    }

    private void counter(
        final StringBuilder sb, final List<CampaignInfo> list, final String name, final String help, final int counter)
    {
        final String family = "dispatch_campaign_" + name + "_total";
        PrometheusText.family(sb, family, "counter", help);
        for (final CampaignInfo c : list)
        {
            labels(sb.append(family), c, "").append(' ').append(stats.get(c.slot(), counter)).append('\n');
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
        return sb.append("{id=\"").append(c.id()).append("\",tenant=\"").append(PrometheusText.escape(c.tenant()))
            .append("\",campaign=\"").append(PrometheusText.escape(c.name())).append('"').append(more).append('}');
    }
}
