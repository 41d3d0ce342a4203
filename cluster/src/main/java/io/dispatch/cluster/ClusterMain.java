package io.dispatch.cluster;

import io.dispatch.DispatcherMain;
import io.dispatch.config.ConfigurationException;
import io.dispatch.config.Settings;
import org.agrona.concurrent.SystemEpochClock;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/**
 * {@code scripts/cluster node [dispatcher flags] --set cluster.bootstrapServers=HOST:PORT}: one dispatcher node in
 * cluster mode. The flags and keys are the engine's (docs/configuration.md) plus the {@code cluster.*} keys
 * (docs/cluster.md).
 */
public final class ClusterMain
{
    private ClusterMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final Settings settings;
        final ClusterSettings cluster;
        final DispatcherMain.Setup setup;
        try
        {
            settings = DispatcherMain.parse(args);
            if (settings == null)
            {
                System.out.println("usage: scripts/cluster node [scripts/dispatcher flags] --set " +
                    ClusterSettings.BOOTSTRAP_SERVERS + "=HOST:PORT (docs/cluster.md)");
                return;
            }
            cluster = ClusterSettings.from(settings);
            setup = DispatcherMain.setup(settings);
            if (cluster == null)
            {
                throw new ConfigurationException(ClusterSettings.BOOTSTRAP_SERVERS, "not set: a cluster node needs its" +
                    " Kafka brokers (scripts/dispatcher runs the single-node engine)");
            }
        }
        catch (final IllegalArgumentException | ConfigurationException ex)
        {
            System.err.println("error: " + ex.getMessage());
            System.exit(2);
            return;
        }
        final CompletableFuture<ClusterNode> launched = new CompletableFuture<>();
        final CountDownLatch stopped = new CountDownLatch(1);
        io.dispatch.Shutdown.onSignals(() ->
        {
            try
            {
                launched.join().drain(setup.drainMs());
            }
            finally
            {
                stopped.countDown();
            }
        });
        final ClusterNode node;
        try
        {
            node = ClusterNode.start(setup.config(), cluster, SystemEpochClock.INSTANCE);
        }
        catch (final ConfigurationException ex)
        {
            System.err.println("error: " + ex.getMessage());
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(node::close, "shutdown"));
        launched.complete(node);
        System.out.println("cluster node ready: protocol " + setup.config().ingestHost() + ":" + node.dispatcher().port() +
            ", admin " + (node.dispatcher().adminPort() < 0 ? "off" : setup.config().admin().host() + ":" +
            node.dispatcher().adminPort()) + ", kafka " + cluster.bootstrapServers() + " topic " + cluster.topic());
        stopped.await();
        System.exit(0);
    }
}
