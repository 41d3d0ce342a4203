package io.dispatch.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A cluster node in a child JVM ({@link ClusterMain}), for kill -9: the test's own classpath and JVM flags. */
final class ClusterChild implements AutoCloseable
{
    private final Process process;
    private static final java.util.regex.Pattern REDISPATCH = java.util.regex.Pattern.compile("redispatch=(\\d+)");
    private static final java.util.regex.Pattern PROTOCOL = java.util.regex.Pattern.compile("protocol [^ ]+:(\\d+),");
    private static final java.util.regex.Pattern ACCEPTED =
        java.util.regex.Pattern.compile("recovery_done.* accepted=(\\d+)");

    private final CountDownLatch ready = new CountDownLatch(1);
    private volatile long redispatched = -1;
    private volatile long accepted = -1;
    private volatile int port = -1;
    private final List<String> lines = new ArrayList<>();

    private ClusterChild(final List<String> args) throws IOException
    {
        final Path root = Path.of(System.getProperty("project.root", "..")).toAbsolutePath();
        final List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("@" + root.resolve("config/jvm/common.args"));
        if (Runtime.version().feature() >= 24)
        {
            cmd.add("@" + root.resolve("config/jvm/jdk24plus.args"));
        }
        cmd.add("-Xmx512m");
        cmd.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
        cmd.add("-Duser.home=" + System.getProperty("user.home"));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(ClusterMain.class.getName());
        cmd.addAll(args);
        process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        final Thread pump = new Thread(this::pump, "cluster-child-output");
        pump.setDaemon(true);
        pump.start();
    }

    /** Starts {@link ClusterMain} with {@code args} and waits (bounded: 90 s) until it says it is ready. */
    static ClusterChild start(final Path dataDir, final List<String> args) throws Exception
    {
        Files.createDirectories(dataDir);
        final List<String> all = new ArrayList<>(List.of("--data-dir", dataDir.toString(), "--port", "0",
            "--admin-port", "-1"));
        all.addAll(args);
        final ClusterChild child = new ClusterChild(all);
        if (!child.ready.await(90, TimeUnit.SECONDS))
        {
            child.kill();
            throw new IllegalStateException("cluster child did not start within 90 s");
        }
        return child;
    }

    private void pump()
    {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
        {
            String line;
            while ((line = r.readLine()) != null)
            {
                System.out.println("[cluster child " + process.pid() + "] " + line);
                synchronized (lines)
                {
                    lines.add(line);
                    lines.notifyAll();
                }
                final java.util.regex.Matcher a = ACCEPTED.matcher(line);
                if (a.find())
                {
                    accepted = Long.parseLong(a.group(1));
                }
                final java.util.regex.Matcher m = REDISPATCH.matcher(line);
                if (m.find())
                {
                    redispatched = Long.parseLong(m.group(1));
                }
                if (line.startsWith("cluster node ready"))
                {
                    final java.util.regex.Matcher p = PROTOCOL.matcher(line);
                    port = p.find() ? Integer.parseInt(p.group(1)) : -1;
                    ready.countDown();
                }
            }
        }
        catch (final IOException ignored)
        {
            // the child died: nothing more to read
        }
    }

    /** @return the node's protocol port (it listens on a free one), once started. */
    int port()
    {
        return port;
    }

    /** @return what the node's recovery sent again at start (its in-flight and unsent messages), -1 before it says. */
    long recoveryRedispatched()
    {
        return redispatched;
    }

    /** @return the accepted messages the node's recovery found in its journal at start, -1 before it says. */
    long recoveryAccepted()
    {
        return accepted;
    }

    /** @return whether a line containing {@code fragment} was printed, waiting up to {@code timeoutMs} for it. */
    boolean awaitOutput(final String fragment, final long timeoutMs) throws InterruptedException
    {
        return awaitOutput(fragment, 1, timeoutMs);
    }

    /** @return whether {@code times} lines containing {@code fragment} were printed, waiting up to {@code timeoutMs}. */
    boolean awaitOutput(final String fragment, final int times, final long timeoutMs) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        synchronized (lines)
        {
            int seen = 0;
            int found = 0;
            while (true)
            {
                for (; seen < lines.size(); seen++)
                {
                    if (lines.get(seen).contains(fragment) && ++found == times)
                    {
                        return true;
                    }
                }
                final long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0)
                {
                    return false;
                }
                lines.wait(left);
            }
        }
    }

    /** SIGSTOP: every thread of the node freezes, as in a long GC pause or a stalled VM. */
    void pause() throws Exception
    {
        signal("-STOP");
    }

    /** SIGCONT. */
    void resume() throws Exception
    {
        signal("-CONT");
    }

    private void signal(final String signal) throws Exception
    {
        final Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0)
        {
            throw new IllegalStateException("kill " + signal + " " + process.pid() + " failed");
        }
    }

    /** kill -9: no hand-over, no drain, no journal close. */
    void kill() throws InterruptedException
    {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException
    {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS))
        {
            kill();
        }
    }
}
