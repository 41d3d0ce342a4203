package io.dispatch.admin;

import com.lmax.disruptor.RingBuffer;
import io.dispatch.connector.runtime.ConnectorLane;
import io.dispatch.connector.runtime.ConnectorMetricFamilies;
import io.dispatch.connector.runtime.LaneMetrics;
import io.dispatch.inbound.InboundAnswers;
import io.dispatch.journal.DiskSpaceWatcher;
import io.dispatch.status.ClassLatency;
import io.dispatch.status.Counter;
import io.dispatch.status.Counters;
import io.dispatch.status.EndToEndLatency;
import io.dispatch.status.PrometheusText;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * The {@code /metrics} page in Prometheus text: the engine's counters, its gauges (deferred messages, ring, sessions,
 * journal disk), inbound answers, latencies, then each lane's and connector's families, then whatever the components
 * given append (targeting, ingest TLS; the cluster module's last). Rendered on the admin thread.
 */
public final class MetricsPage
{
    /** The engine's own numbers, read at each render. */
    public record Gauges(
        IntSupplier sessions, LongSupplier deferred, LongSupplier inboundRefusedByPublisher, IntSupplier streamSubscriptions)
    {
    }

    private final Counters counters;
    private final Gauges gauges;
    private final RingBuffer<?> ring;
    private final DiskSpaceWatcher storage;
    private final InboundAnswers inboundAnswers;
    private final ClassLatency ackLatency;
    private final EndToEndLatency e2eLatency;
    private final List<Consumer<StringBuilder>> families;
    private final ConnectorLane[] laneByChannel;
    private final Consumer<StringBuilder> trailing;

    /**
     * @param families      appended after the latencies, in this order (targeting's, ingest TLS's).
     * @param laneByChannel the engine's lanes by channel code (null where none is configured).
     * @param trailing      appended last (the cluster module's families).
     */
    public MetricsPage(
        final Counters counters, final Gauges gauges, final RingBuffer<?> ring, final DiskSpaceWatcher storage,
        final InboundAnswers inboundAnswers, final ClassLatency ackLatency, final EndToEndLatency e2eLatency,
        final List<Consumer<StringBuilder>> families, final ConnectorLane[] laneByChannel,
        final Consumer<StringBuilder> trailing)
    {
        this.trailing = trailing;
        this.counters = counters;
        this.gauges = gauges;
        this.ring = ring;
        this.storage = storage;
        this.inboundAnswers = inboundAnswers;
        this.ackLatency = ackLatency;
        this.e2eLatency = e2eLatency;
        this.families = families;
        this.laneByChannel = laneByChannel;
    }

    public String render()
    {
        final StringBuilder sb = new StringBuilder(4096);
        for (final Counter c : Counter.values())
        {
            PrometheusText.family(sb, c.metricName(), "counter", c.help());
            PrometheusText.sample(sb, c.metricName(), counters.get(c));
        }
        PrometheusText.family(sb, "dispatch_deferred_messages", "gauge", "messages the scheduler holds until their time");
        PrometheusText.sample(sb, "dispatch_deferred_messages", gauges.deferred().getAsLong());
        PrometheusText.family(sb, "dispatch_ring_remaining", "gauge", "free slots in the dispatch ring");
        PrometheusText.sample(sb, "dispatch_ring_remaining", ring.remainingCapacity());
        PrometheusText.family(sb, "dispatch_sessions", "gauge", "client sessions connected now");
        PrometheusText.sample(sb, "dispatch_sessions", gauges.sessions().getAsInt());
        PrometheusText.family(sb, "dispatch_inbound_events_total", "counter",
            "inbound messages and events connectors offered, by answer: journaled (a redelivery included) or refused");
        sb.append("dispatch_inbound_events_total{result=\"journaled\"} ").append(inboundAnswers.journaled()).append('\n');
        sb.append("dispatch_inbound_events_total{result=\"refused\"} ")
            .append(inboundAnswers.refused() + gauges.inboundRefusedByPublisher().getAsLong()).append('\n');
        PrometheusText.family(sb, "dispatch_journal_stream_subscriptions", "gauge",
            "resumed receipt and inbound subscriptions served from the journal by the stream thread");
        PrometheusText.sample(sb, "dispatch_journal_stream_subscriptions", gauges.streamSubscriptions().getAsInt());
        PrometheusText.family(sb, "dispatch_journal_free_bytes", "gauge",
            "free bytes on the journal's file system at the watcher's last poll");
        PrometheusText.sample(sb, "dispatch_journal_free_bytes", storage.freeBytes());
        PrometheusText.family(sb, "dispatch_storage_full", "gauge",
            "1 while the journal's disk is below journal.minFreeBytes (submits NACKed STORAGE_FULL)");
        PrometheusText.sample(sb, "dispatch_storage_full", storage.isFull() ? 1 : 0);
        ClassLatency.family(sb, "dispatch_ack_latency_seconds",
            "SUBMIT frame read to its ACK queued for the session, by class, since start");
        ackLatency.appendSamples(sb, "dispatch_ack_latency_seconds");
        e2eLatency.appendPrometheus(sb);
        for (final Consumer<StringBuilder> f : families)
        {
            f.accept(sb);
        }
        appendLanes(sb);
        trailing.accept(sb);
        return sb.toString();
    }

    private void appendLanes(final StringBuilder sb)
    {
        final List<ConnectorLane> lanes = new ArrayList<>();
        for (final ConnectorLane lane : laneByChannel)
        {
            if (lane != null)
            {
                lanes.add(lane);
            }
        }
        PrometheusText.family(sb, "dispatch_lane_queue_depth", "gauge", "messages waiting in a lane's queue");
        for (final ConnectorLane lane : lanes)
        {
            sb.append("dispatch_lane_queue_depth{lane=\"").append(lane.name()).append("\",queue=\"priority\"} ")
                .append(lane.priorityDepth()).append('\n');
            sb.append("dispatch_lane_queue_depth{lane=\"").append(lane.name()).append("\",queue=\"bulk\"} ")
                .append(lane.bulkDepth()).append('\n');
        }
        PrometheusText.family(sb, "dispatch_lane_in_flight", "gauge", "sends awaiting the provider's answer");
        for (final ConnectorLane lane : lanes)
        {
            sb.append("dispatch_lane_in_flight{lane=\"").append(lane.name()).append("\"} ").append(lane.inFlight())
                .append('\n');
        }
        LaneMetrics.appendPrometheus(sb, lanes.stream().map(ConnectorLane::metrics).toList());
        final ConnectorMetricFamilies connectorMetrics = new ConnectorMetricFamilies();
        for (final ConnectorLane lane : lanes)
        {
            connectorMetrics.collect(lane.name(), lane.connectorType(), lane.connector());
        }
        connectorMetrics.appendTo(sb);
    }
}
