package io.dispatch.load;

import io.dispatch.client.ClientConfig;
import io.dispatch.client.DispatchClient;
import io.dispatch.client.DispatchException;
import io.dispatch.protocol.ErrorCode;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

import javax.net.ssl.SSLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The run's {@link DispatchClient}s, opened and closed with bounded waits, on Netty event-loop groups of at
 * most one thread per CPU (each client would otherwise start its own I/O thread, and the engine shares this
 * machine): one group for the shared connections and one for the connections streams have of their own
 * ({@code stream.NAME.connections}), so a dedicated stream's sends and answers never queue on a thread that a
 * flood on the shared connections keeps busy. Each client is pinned to one event loop, known here ({@link #loop}), so
 * every callback of a connection and its {@link LoopSender} run on one thread, which is what
 * {@link ConnectionTracker} relies on.
 * <p>
 * <b>Threading:</b> open and close from the run's main thread.
 */
public final class ClientConnections implements AutoCloseable
{
    public static final String CLIENT_NAME = "loadtest";
    /** Below {@link LoadTest#CONNECT_TIMEOUT_MS}: the client's own connect and handshake bounds each get this. */
    static final long CLIENT_CONNECT_TIMEOUT_MS = 4_000;
    static final long CLIENT_CLOSE_TIMEOUT_MS = 2_000;

    private final List<EventLoopGroup> groups;
    private final List<DispatchClient> clients;
    private final List<EventLoop> loops;

    private ClientConnections(
        final List<EventLoopGroup> groups, final List<DispatchClient> clients, final List<EventLoop> loops)
    {
        this.groups = groups;
        this.clients = Collections.unmodifiableList(clients);
        this.loops = loops;
    }

    /**
     * Connects every connection in parallel.
     *
     * @throws LoadTestException "cannot connect to HOST:PORT — start the engine with scripts/dispatcher", or
     *                           the engine's refusal of the session (wrong tenant or key).
     */
    public static ClientConnections open(final LoadTestConfig config, final long timeoutMs) throws LoadTestException
    {
        final int count = config.connectionPlan().connections();
        final int shared = config.connectionPlan().sharedConnections();
        final EventLoopGroup sharedGroup = shared == 0 ? null : group("loadtest-io", shared);
        final EventLoopGroup ownGroup = count == shared ? null : group("loadtest-io-own", count - shared);
        final List<EventLoopGroup> groups = new ArrayList<>();
        if (sharedGroup != null)
        {
            groups.add(sharedGroup);
        }
        if (ownGroup != null)
        {
            groups.add(ownGroup);
        }
        final List<ClientConfig> clientConfigs = new ArrayList<>();
        final List<EventLoop> loops = new ArrayList<>();
        try
        {
            final ClientConfig.Builder builder = ClientConfig.builder()
                .host(config.host())
                .port(config.port())
                .tenant(config.tenant())
                .apiKey(config.apiKey())
                .clientName(CLIENT_NAME)
                .connectTimeoutMs(CLIENT_CONNECT_TIMEOUT_MS)
                .closeTimeoutMs(CLIENT_CLOSE_TIMEOUT_MS)
                .tls(config.tls())
                .tlsCaFile(config.tlsCaFile())
                .tlsClientCertificate(config.tlsCertFile(), config.tlsKeyFile());
            for (int i = 0; i < count; i++)
            {
                // One loop as the client's group: the client runs on it, and its sender is queued on it.
                final EventLoop loop = (i < shared ? sharedGroup : ownGroup).next();
                loops.add(loop);
                clientConfigs.add(builder.eventLoopGroup(loop).build());
            }
        }
        catch (final IllegalArgumentException ex)
        {
            // a TLS file that cannot be read: the field names map to the flags
            groups.forEach(g -> g.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS));
            throw new LoadTestException(ex.getMessage().replace("tlsCaFile", "--ca").replace("tlsCertFile", "--cert")
                .replace("tlsKeyFile", "--cert-key"), ex);
        }
        final ExecutorService connectors = Executors.newCachedThreadPool(daemonThreads("loadtest-connect"));
        final List<CompletableFuture<DispatchClient>> futures = new ArrayList<>();
        for (final ClientConfig clientConfig : clientConfigs)
        {
            futures.add(CompletableFuture.supplyAsync(() -> DispatchClient.connect(clientConfig), connectors));
        }
        connectors.shutdown();

        final List<DispatchClient> clients = new ArrayList<>();
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        Throwable failure = null;
        for (final CompletableFuture<DispatchClient> f : futures)
        {
            try
            {
                clients.add(f.get(Math.max(0, deadlineNs - System.nanoTime()), TimeUnit.NANOSECONDS));
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                failure = ex;
                break;
            }
            catch (final ExecutionException ex)
            {
                failure = ex.getCause();
                break;
            }
            catch (final TimeoutException ex)
            {
                failure = new TimeoutException("no session within " + timeoutMs + " ms");
                break;
            }
        }
        final ClientConnections connections = new ClientConnections(groups, clients, loops);
        if (failure != null)
        {
            // Late successes must not leak connections.
            futures.forEach(f -> f.thenAccept(ClientConnections::closeQuietly));
            connections.close();
            throw new LoadTestException(connectFailure(config, failure), failure);
        }
        return connections;
    }

    static String connectFailure(final LoadTestConfig config, final Throwable failure)
    {
        final String target = config.host() + ':' + config.port();
        if (failure instanceof DispatchException && ((DispatchException)failure).kind() == DispatchException.Kind.ERROR)
        {
            return "the engine at " + target + " refused the session: " + failure.getMessage() +
                (((DispatchException)failure).code() == ErrorCode.AUTH_FAILED ? " (check --tenant and --api-key)" : "");
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause())
        {
            if (t instanceof SSLException)
            {
                return t.getMessage();
            }
        }
        return "cannot connect to " + target + " — start the engine with scripts/dispatcher (" + describe(failure) + ")";
    }

    public List<DispatchClient> clients()
    {
        return clients;
    }

    /** @return the event loop that connection {@code i} runs on: its callbacks, and its sender's runs. */
    public EventLoop loop(final int i)
    {
        return loops.get(i);
    }

    /** @return the name of connection {@code i}'s I/O thread ({@code connections.json} shows which share one). */
    public String threadName(final int i)
    {
        try
        {
            return loops.get(i).submit(() -> Thread.currentThread().getName()).get(1, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return "unknown";
        }
        catch (final ExecutionException | TimeoutException ex)
        {
            return "unknown";
        }
    }

    /** Closes every client in parallel, then the event loops; waits a bounded time, never throws. */
    @Override
    public void close()
    {
        final ExecutorService closers = Executors.newCachedThreadPool(daemonThreads("loadtest-close"));
        final List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (final DispatchClient c : clients)
        {
            closing.add(CompletableFuture.runAsync(() -> closeQuietly(c), closers));
        }
        closers.shutdown();
        try
        {
            CompletableFuture.allOf(closing.toArray(new CompletableFuture<?>[0]))
                .get(LoadTest.CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        catch (final ExecutionException | TimeoutException ex)
        {
            // Best effort: the process exits soon after and the engine notices the closed sockets.
        }
        groups.forEach(g -> g.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2_000));
    }

    private static EventLoopGroup group(final String name, final int connections)
    {
        final int threads = Math.max(1, Math.min(connections, Runtime.getRuntime().availableProcessors()));
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), NioIoHandler.newFactory());
    }

    private static void closeQuietly(final DispatchClient client)
    {
        try
        {
            client.close();
        }
        catch (final RuntimeException ex)
        {
            // Closing at the end of a run: nothing useful to do with the failure.
        }
    }

    /** @return the innermost cause as "SimpleName: message", e.g. "ConnectException: Connection refused". */
    static String describe(final Throwable failure)
    {
        Throwable t = failure;
        while (t.getCause() != null && t.getCause() != t)
        {
            t = t.getCause();
        }
        final String message = t.getMessage();
        return t.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    static ThreadFactory daemonThreads(final String name)
    {
        return r ->
        {
            final Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
