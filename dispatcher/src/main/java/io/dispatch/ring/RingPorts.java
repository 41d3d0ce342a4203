package io.dispatch.ring;

import io.dispatch.config.DispatcherConfig;

/**
 * Who may claim dispatch-ring slots while how many are free, computed once from the configuration; every producer
 * asks its {@link RingPort}. The order of the reserves is the order of precedence when the ring fills up:
 * <pre>
 *  port       reserve (free slots it needs to claim)       when the ring has no room for it
 *  lanes      0                                            waits (RingPort#publish): no ring stage waits on a lane
 *  admin      0                                            the operator's request fails (503)
 *  inbound    0                                            the connector's event is refused (retriable answer)
 *  ingest     ring × (100 − ring.highWaterPercent) %       the request heads its connection's wait queue
 *  scheduler  the ingest reserve                           the due message waits for the next duty cycle
 *  cluster    the ingest reserve                           the feeder retries later
 *  redrive    the ingest reserve                           the redrive job waits
 *  targeting  ring − min(ring / 2, 4096)                   the fan-out or import waits (batches of ≤ 256)
 *  credit     ring × (100 − ring.highWaterPercent / 2) %   (not a producer) sessions withhold CREDIT
 * </pre>
 * So a campaign fan-out or a directory import never holds more than 4096 slots, a client's SUBMIT never waits for
 * one behind them, and the state changes of the lanes always find room (docs/design/ring-topology.md). Across the
 * ingest, targeting and scheduler ports, marketing (clients' SUBMITs, campaign messages and due deferred marketing
 * together) holds at most {@code ring.marketingSlots} ({@link MarketingShare}).
 */
public final class RingPorts
{
    /** Events the targeting thread (campaign messages, directory consent restrictions) may have in the ring at once. */
    public static final int TARGETING_WINDOW = 4096;

    private final RingPort lanes;
    private final RingPort admin;
    private final RingPort inbound;
    private final RingPort ingest;
    private final RingPort scheduler;
    private final RingPort cluster;
    private final RingPort redrive;
    private final RingPort targeting;
    private final RingPort credit;
    private final MarketingShare marketing;

    public RingPorts(final int ringSize, final int highWaterPercent)
    {
        this(ringSize, highWaterPercent, 0);
    }

    /** @param marketingSlots slots marketing may hold at once ({@link MarketingShare}), 0 = no limit but the ports. */
    public RingPorts(final int ringSize, final int highWaterPercent, final int marketingSlots)
    {
        marketing = new MarketingShare(marketingSlots);
        final long highWater = (long)ringSize * (100 - highWaterPercent) / 100;
        lanes = new RingPort("lanes", 0);
        admin = new RingPort("admin", 0);
        inbound = new RingPort("inbound", 0);
        ingest = new RingPort("ingest", highWater);
        scheduler = new RingPort("scheduler", highWater);
        cluster = new RingPort("cluster", highWater);
        redrive = new RingPort("redrive", highWater);
        targeting = new RingPort("targeting", ringSize - Math.min(ringSize / 2, TARGETING_WINDOW));
        // credit stops at half the high-water mark, so clients that honour credit rarely meet a NACK
        credit = new RingPort("credit", (long)ringSize * (100 - highWaterPercent / 2) / 100);
    }

    public static RingPorts of(final DispatcherConfig config)
    {
        return new RingPorts(config.ringSize(), config.ringHighWaterPercent(), config.ringMarketingSlots());
    }

    /** Connector lanes' state changes, fallbacks and late receipts. */
    public RingPort lanes()
    {
        return lanes;
    }

    /** Operators' rate and cap changes from the admin endpoint. */
    public RingPort admin()
    {
        return admin;
    }

    /** Connectors' inbound messages and events. */
    public RingPort inbound()
    {
        return inbound;
    }

    /** Clients' requests from the ingest sessions: the ring's high-water mark. */
    public RingPort ingest()
    {
        return ingest;
    }

    /** Deferred messages coming due, and a cancelled campaign's deferred messages. */
    public RingPort scheduler()
    {
        return scheduler;
    }

    /** Cluster mode: SUBMITs accepted by another node, fed from the cluster's log. */
    public RingPort cluster()
    {
        return cluster;
    }

    /** Copies of dead letters published by a redrive job. */
    public RingPort redrive()
    {
        return redrive;
    }

    /** Campaign fan-out and directory consent restrictions, claimed in batches. */
    public RingPort targeting()
    {
        return targeting;
    }

    /** Marketing's share of the ring: clients' marketing SUBMITs, campaign fan-out and due deferred marketing. */
    public MarketingShare marketing()
    {
        return marketing;
    }

    /** Not a producer: sessions grant credit only while this port has room. */
    public RingPort credit()
    {
        return credit;
    }

    @Override
    public String toString()
    {
        return "RingPorts{" + lanes + ", " + admin + ", " + inbound + ", " + ingest + ", " + scheduler + ", " + cluster
            + ", " + redrive + ", " + targeting + ", " + credit + '}';
    }
}
