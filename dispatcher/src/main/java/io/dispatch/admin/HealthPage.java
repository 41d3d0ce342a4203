package io.dispatch.admin;

import com.lmax.disruptor.RingBuffer;
import io.dispatch.connector.runtime.ConnectorLane;
import io.dispatch.connector.runtime.LaneMetrics;
import io.dispatch.journal.DiskSpaceWatcher;

import java.util.function.IntSupplier;

/**
 * The {@code /health} page: UP, or DEGRADED while a lane's circuit breaker is not closed (its messages wait) or the
 * journal's disk is below {@code journal.minFreeBytes} (new submits are NACKed STORAGE_FULL); then the sessions, the
 * journal's disk, the ring and each lane. Rendered on the admin thread from values other threads publish.
 */
public final class HealthPage
{
    private final DiskSpaceWatcher storage;
    private final ConnectorLane[] laneByChannel;
    private final IntSupplier sessions;
    private final RingBuffer<?> ring;

    /** @param laneByChannel the engine's lanes by channel code (null where none is configured). */
    public HealthPage(
        final DiskSpaceWatcher storage, final ConnectorLane[] laneByChannel, final IntSupplier sessions,
        final RingBuffer<?> ring)
    {
        this.storage = storage;
        this.laneByChannel = laneByChannel;
        this.sessions = sessions;
        this.ring = ring;
    }

    public String render()
    {
        final StringBuilder sb = new StringBuilder(256);
        boolean degraded = storage.isFull();
        for (final ConnectorLane lane : laneByChannel)
        {
            degraded |= lane != null && !"CLOSED".equals(lane.breakerState());
        }
        sb.append("{\"status\":\"").append(degraded ? "DEGRADED" : "UP").append("\",\"sessions\":").append(sessions.getAsInt())
            .append(",\"journal\":{\"storage_full\":").append(storage.isFull())
            .append(",\"free_bytes\":").append(storage.freeBytes())
            .append(",\"min_free_bytes\":").append(storage.minFreeBytes()).append('}')
            .append(",\"ring_remaining\":").append(ring.remainingCapacity())
            .append(",\"ring_size\":").append(ring.getBufferSize())
            .append(",\"lanes\":{");
        boolean first = true;
        for (final ConnectorLane lane : laneByChannel)
        {
            if (lane == null)
            {
                continue;
            }
            sb.append(first ? "" : ",").append('"').append(lane.name()).append("\":{\"priority_queue\":")
                .append(lane.priorityDepth()).append(",\"bulk_queue\":").append(lane.bulkDepth())
                .append(",\"in_flight\":").append(lane.inFlight())
                .append(",\"breaker\":\"").append(lane.breakerState()).append('"')
                .append(",\"rate_per_second\":").append(lane.metrics().get(LaneMetrics.RATE_MILLI_PER_SECOND) / 1000.0)
                .append(",\"speed_factor\":").append(lane.metrics().get(LaneMetrics.FACTOR_PERMILLE) / 1000.0)
                .append(",\"admitted\":").append(lane.admission().inSystem())
                .append(",\"capacity\":").append(lane.admission().capacity()).append('}');
            first = false;
        }
        return sb.append("}}\n").toString();
    }
}
