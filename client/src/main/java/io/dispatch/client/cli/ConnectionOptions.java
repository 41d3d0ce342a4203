package io.dispatch.client.cli;

import io.dispatch.client.ClientConfig;
import io.dispatch.client.DispatchClient;
import io.dispatch.client.DispatchException;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Set;

/** The connection flags the operator commands share with scripts/send: --host, --port, --tenant, --api-key. */
final class ConnectionOptions
{
    static final Set<String> FLAGS = Set.of("--host", "--port", "--tenant", "--api-key");

    static final String USAGE = String.join(System.lineSeparator(),
        "connection:",
        "  --host HOST             default 127.0.0.1",
        "  --port PORT             default 7700",
        "  --tenant TENANT         default demo",
        "  --api-key KEY           default demo-key");

    private ConnectionOptions()
    {
    }

    /** @param reconnect true for long runs (an import) that resend what a lost connection left unanswered. */
    static ClientConfig config(final Flags f, final String clientName, final boolean reconnect) throws UsageException
    {
        try
        {
            return ClientConfig.builder()
                .host(f.get("--host", "127.0.0.1"))
                .port((int)f.number("--port", 7700, 1, 65_535))
                .tenant(f.get("--tenant", "demo"))
                .apiKey(f.get("--api-key", "demo-key"))
                .clientName(clientName)
                .reconnect(reconnect)
                .build();
        }
        catch (final IllegalArgumentException ex)
        {
            throw new UsageException("--" + ex.getMessage().replaceFirst("^apiKey", "api-key"));
        }
    }

    /** Work done with a connected client; returns the exit code. */
    interface ClientWork<X extends Exception>
    {
        int run(DispatchClient client) throws X, InterruptedException, UsageException;
    }

    /**
     * Connects, runs the work and closes; a connection failure or an engine refusal is told on {@code err} as
     * {@code command: ...} and gives exit code 1.
     */
    static <X extends Exception> int withClient(final Flags f, final ClientConfig config, final PrintStream err,
        final String command, final ClientWork<X> work) throws X, InterruptedException, UsageException
    {
        try (DispatchClient client = DispatchClient.connect(config))
        {
            return work.run(client);
        }
        catch (final UncheckedIOException ex)
        {
            err.println(command + ": cannot connect to " + f.get("--host", "127.0.0.1") + ":" +
                f.get("--port", "7700") + " (" + SendCommand.rootMessage(ex) +
                "): is the engine running? start it with scripts/dispatcher");
            return 1;
        }
        catch (final DispatchException ex)
        {
            err.println(command + ": " + SendCommand.describe(ex));
            return 1;
        }
    }
}
