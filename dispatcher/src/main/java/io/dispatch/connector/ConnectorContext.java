package io.dispatch.connector;

import io.dispatch.protocol.ChannelType;
import org.agrona.concurrent.EpochClock;

/** What the runtime gives a connector at start. Immutable; safe to use from any thread. */
public interface ConnectorContext
{
    String laneName();

    ChannelType channel();

    EpochClock clock();

    ReceiptSink receipts();
}
