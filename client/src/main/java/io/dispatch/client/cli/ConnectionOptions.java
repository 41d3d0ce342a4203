package io.dispatch.client.cli;

import io.dispatch.client.ClientConfig;
import io.dispatch.client.DispatchClient;
import io.dispatch.client.DispatchException;

import javax.net.ssl.SSLException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Set;

/**
 * The connection flags the operator commands share with scripts/send: --host, --port, --tenant, --api-key and
 * the TLS ones, --tls, --ca, --cert, --cert-key (--key is scripts/send's idempotency key).
 */
final class ConnectionOptions
{
    static final Set<String> FLAGS =
        Set.of("--host", "--port", "--tenant", "--api-key", "--ca", "--cert", "--cert-key");
    /** The connection flags without a value. */
    static final Set<String> SWITCHES = Set.of("--tls");

    static final String USAGE = String.join(System.lineSeparator(),
        "connection:",
        "  --host HOST             default 127.0.0.1",
        "  --port PORT             default 7700",
        "  --tenant TENANT         default demo",
        "  --api-key KEY           default demo-key",
        "  --tls                   connect over TLS (1.3 or 1.2); the JDK's trusted CAs unless --ca",
        "  --ca FILE               PEM CA certificate(s) that sign the engine's certificate (implies --tls)",
        "  --cert FILE             PEM client certificate for mutual TLS (implies --tls), with:",
        "  --cert-key FILE         its unencrypted PKCS#8 PEM key");

    private ConnectionOptions()
    {
    }

    /** @param reconnect true for long runs (an import) that resend what a lost connection left unanswered. */
    static ClientConfig config(final Flags f, final String clientName, final boolean reconnect) throws UsageException
    {
        try
        {
            final ClientConfig.Builder b = ClientConfig.builder()
                .host(f.get("--host", "127.0.0.1"))
                .port((int)f.number("--port", 7700, 1, 65_535))
                .tenant(f.get("--tenant", "demo"))
                .apiKey(f.get("--api-key", "demo-key"))
                .clientName(clientName)
                .reconnect(reconnect);
            tls(b, f.has("--tls"), f.get("--ca", null), f.get("--cert", null), f.get("--cert-key", null));
            return b.build();
        }
        catch (final IllegalArgumentException ex)
        {
            throw new UsageException(flagMessage(ex));
        }
    }

    /** Applies the TLS flags; --ca or --cert alone turn TLS on. */
    static void tls(final ClientConfig.Builder b, final boolean tls, final String ca, final String cert,
        final String certKey) throws UsageException
    {
        try
        {
            b.tls(tls || ca != null || cert != null || certKey != null)
                .tlsCaFile(ca == null ? null : Path.of(ca))
                .tlsClientCertificate(cert == null ? null : Path.of(cert), certKey == null ? null : Path.of(certKey));
        }
        catch (final InvalidPathException ex)
        {
            throw new UsageException("bad file name: " + ex.getMessage());
        }
    }

    /** A {@link ClientConfig} message starts with the field name: say the flag instead. */
    static String flagMessage(final IllegalArgumentException ex)
    {
        final String message = ex.getMessage()
            .replaceFirst("^apiKey", "api-key")
            .replace("tlsCaFile", "--ca")
            .replace("tlsCertFile", "--cert")
            .replace("tlsKeyFile", "--cert-key");
        return message.startsWith("--") ? message : "--" + message;
    }

    /** @return the message of a failed TLS handshake, or null when the connect failed for another reason. */
    static String tlsFailure(final Throwable ex)
    {
        for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause())
        {
            if (t instanceof SSLException)
            {
                return t.getMessage();
            }
        }
        return null;
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
            final String tls = tlsFailure(ex);
            if (tls != null)
            {
                err.println(command + ": " + tls);
                return 1;
            }
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
