package io.dispatch.cluster;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One local Kafka broker (KRaft, broker and controller in one process) started from the project's own Maven
 * artifacts through Kafka's public entry points: {@code kafka.tools.StorageTool format --standalone}, then
 * {@code kafka.Kafka server.properties} in a child process. Settings are for one machine and fast fail-over tests
 * (a 6 s group session timeout), not for production. Used by {@code scripts/cluster up} and the cluster tests.
 * <p>
 * {@code java io.dispatch.cluster.LocalBroker DIR PORT PARTITIONS TOPIC}: starts it detached, creates the topic,
 * prints {@code pid=<pid>} and exits; the broker keeps running until stopped by its pid.
 */
public final class LocalBroker implements AutoCloseable
{
    private final Process process;
    private final String bootstrapServers;

    private LocalBroker(final Process process, final String bootstrapServers)
    {
        this.process = process;
        this.bootstrapServers = bootstrapServers;
    }

    public static void main(final String[] args) throws Exception
    {
        if (args.length != 4)
        {
            System.err.println("usage: LocalBroker DIR PORT PARTITIONS TOPIC");
            System.exit(2);
        }
        final LocalBroker broker = start(Path.of(args[0]), Integer.parseInt(args[1]));
        broker.createClusterTopics(args[3], Integer.parseInt(args[2]));
        System.out.println("pid=" + broker.process.pid());
    }

    /**
     * Formats {@code dir} (unless already formatted) and starts the broker on 127.0.0.1:{@code port} (0: any free
     * port) with its controller on another free port; returns once it answers on its port (bounded: 90 s).
     */
    public static LocalBroker start(final Path dir, final int port) throws Exception
    {
        Files.createDirectories(dir);
        final int brokerPort = port == 0 ? freePort() : port;
        final int controllerPort = freePort();
        final Path config = dir.resolve("server.properties");
        Files.writeString(config, properties(dir, brokerPort, controllerPort));
        final Path log = dir.resolve("broker.log");
        if (!Files.exists(dir.resolve("logs").resolve("meta.properties")))
        {
            final Process format = java(List.of("kafka.tools.StorageTool", "format", "--standalone", "-t",
                Uuid.randomUuid().toString(), "-c", config.toString()), log);
            if (!format.waitFor(120, TimeUnit.SECONDS) || format.exitValue() != 0)
            {
                format.destroyForcibly();
                throw new IOException("formatting the broker's storage failed; see " + log);
            }
        }
        final Process broker = java(List.of("kafka.Kafka", config.toString()), log);
        final String servers = "127.0.0.1:" + brokerPort;
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!answers(brokerPort))
        {
            if (!broker.isAlive() || System.nanoTime() > deadline)
            {
                broker.destroyForcibly();
                throw new IOException("the broker did not start (port " + brokerPort + " taken?); see " + log);
            }
            Thread.sleep(100); // polling a port that has no event to await
        }
        return new LocalBroker(broker, servers);
    }

    public String bootstrapServers()
    {
        return bootstrapServers;
    }

    public long pid()
    {
        return process.pid();
    }

    /** Creates {@code topic} with {@code partitions} partitions (replication 1), unless it exists. */
    /** The cluster topic and its changelog ({@code <topic>-state}, compacted, the same partition count). */
    public void createClusterTopics(final String topic, final int partitions) throws Exception
    {
        createTopic(topic, partitions);
        createTopic(topic + "-state", partitions, StateChangelog.topicConfig());
    }

    public void createTopic(final String topic, final int partitions) throws Exception
    {
        createTopic(topic, partitions, java.util.Map.of());
    }

    public void createTopic(final String topic, final int partitions, final java.util.Map<String, String> config)
        throws Exception
    {
        final Properties p = new Properties();
        p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(p))
        {
            try
            {
                admin.createTopics(List.of(new NewTopic(topic, partitions, (short)1).configs(config))).all()
                    .get(60, TimeUnit.SECONDS);
            }
            catch (final ExecutionException ex)
            {
                if (!(ex.getCause() instanceof TopicExistsException))
                {
                    throw ex;
                }
            }
            awaitDescribable(admin, topic);
        }
    }

    /**
     * The controller answers a creation before the broker serves the topic's metadata; a node started in between
     * finds the topic "unknown" and refuses to start. So "created" here means describable (bounded: 60 s).
     */
    private static void awaitDescribable(final Admin admin, final String topic) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true)
        {
            try
            {
                admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS);
                return;
            }
            catch (final ExecutionException ex)
            {
                if (!(ex.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) ||
                    System.nanoTime() > deadline)
                {
                    throw ex;
                }
                Thread.sleep(50);
            }
        }
    }

    /** Stops the broker: SIGTERM, then SIGKILL after 20 s. */
    @Override
    public void close() throws InterruptedException
    {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS))
        {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static String properties(final Path dir, final int port, final int controllerPort)
    {
        return String.join("\n",
            "process.roles=broker,controller",
            "node.id=1",
            "controller.quorum.bootstrap.servers=127.0.0.1:" + controllerPort,
            "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
            "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
            "controller.listener.names=CONTROLLER",
            "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "inter.broker.listener.name=PLAINTEXT",
            "log.dirs=" + dir.resolve("logs"),
            "offsets.topic.replication.factor=1",
            "offsets.topic.num.partitions=4",
            "transaction.state.log.replication.factor=1",
            "transaction.state.log.min.isr=1",
            "share.coordinator.state.topic.replication.factor=1",
            "share.coordinator.state.topic.min.isr=1",
            "group.initial.rebalance.delay.ms=0",
            // a killed node's partitions move after 6 s instead of 45 s (KIP-848 session timeouts are broker settings)
            "group.consumer.min.session.timeout.ms=3000",
            "group.consumer.session.timeout.ms=6000",
            // members learn a new assignment at their next heartbeat: 1 s instead of 5 s after a node dies or joins
            "group.consumer.min.heartbeat.interval.ms=1000",
            "group.consumer.heartbeat.interval.ms=1000",
            // the cleaner compacts the changelog soon after the commits passed its marks (tombstones)
            "log.cleaner.backoff.ms=5000",
            "group.consumer.min.heartbeat.interval.ms=500",
            "group.consumer.heartbeat.interval.ms=1000",
            "");
    }

    private static Process java(final List<String> mainAndArgs, final Path log) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.addAll(mainAndArgs);
        return new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    private static int freePort() throws IOException
    {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()))
        {
            return s.getLocalPort();
        }
    }

    private static boolean answers(final int port)
    {
        try (Socket s = new Socket())
        {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        }
        catch (final IOException ex)
        {
            return false;
        }
    }
}
