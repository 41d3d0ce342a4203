package io.dispatch.connector;

import io.dispatch.protocol.ChannelType;
import org.agrona.concurrent.EpochClock;

import java.nio.file.Path;

/** What the runtime gives a connector at start. Immutable; safe to use from any thread. */
public interface ConnectorContext
{
    String laneName();

    ChannelType channel();

    EpochClock clock();

    ReceiptSink receipts();

    /**
     * A durable directory private to this lane's connector, kept across restarts: {@code <data.dir>/connectors/<lane>}
     * in the engine. It may not exist yet; a connector that keeps state there creates it. Nothing else writes to it.
     */
    Path dataDir();

    /** Where the connector hands inbound messages and events (chat replies, MO, consent webhooks). */
    default InboundSink inbound()
    {
        return InboundSink.NONE;
    }

    /**
     * Opens durable record logs under {@link #dataDir()} (the engine's lanes give the journal's format); a context
     * without them refuses, naming the lane, so a connector that needs one fails its start instead of losing state.
     */
    default RecordLog.Opener recordLogs()
    {
        return (dir, expiredBeforeMs) ->
        {
            throw new UnsupportedOperationException("lane " + laneName() + " offers no durable record log for " + dir);
        };
    }
}
