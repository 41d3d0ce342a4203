package io.dispatch.load;

import io.dispatch.client.DispatchClient;

import java.io.PrintStream;

/**
 * Sends through a real {@link DispatchClient}. A submit that throws (connection closed or broken) stops
 * this connection's sender; the first such error is printed once.
 * <p>
 * <b>Threading:</b> the connection's event loop (its {@link LoopSender}), the client's own I/O thread.
 */
public final class ClientSubmitSink implements SubmitSink
{
    private final int connection;
    private final DispatchClient client;
    private final MessageCatalog[] catalogs;
    private final PrintStream log;

    public ClientSubmitSink(
        final int connection, final DispatchClient client, final MessageCatalog[] catalogs, final PrintStream log)
    {
        this.connection = connection;
        this.client = client;
        this.catalogs = catalogs;
        this.log = log;
    }

    @Override
    public boolean submit(final int stream, final long streamIndex, final InFlightSubmit listener)
    {
        try
        {
            client.submit(catalogs[stream].forIndex(streamIndex), listener);
            return true;
        }
        catch (final RuntimeException ex)
        {
            log.println("connection " + connection + ": submit failed, this connection stops sending: " + ex);
            return false;
        }
    }
}
