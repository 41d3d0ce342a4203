package io.dispatch.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The engine in a child JVM (same class path, same JVM flags as the build), for crash tests:
 * {@link #kill()} sends SIGKILL. Its output is echoed with a prefix and scanned for readiness and recovery.
 */
public final class ChildEngine implements AutoCloseable
{
    private static final Pattern REDISPATCH = Pattern.compile("redispatch=(\\d+)");

    private final Process process;
    private final int port;
    private final CountDownLatch ready = new CountDownLatch(1);
    private final AtomicLong redispatched = new AtomicLong(-1);
    private final List<String> output = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final CountDownLatch outputEnded = new CountDownLatch(1);

    private ChildEngine(final Path dataDir, final String[] extraArgs) throws IOException
    {
        port = freePort();
        final Path root = Path.of(System.getProperty("project.root", "..")).toAbsolutePath();
        final List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("@" + root.resolve("config/jvm/common.args"));
        if (Runtime.version().feature() >= 24)
        {
            cmd.add("@" + root.resolve("config/jvm/jdk24plus.args"));
        }
        // the engine's default capacities (status table, ring, lanes) hold ~400 MB live, and a snapshot folds into a
        // second status table (84 MB): 512 MB ran out of heap in a snapshot right after a start (SnapshotCrashIT)
        cmd.add("-Xmx1g");
        cmd.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
        cmd.add("-Duser.home=" + System.getProperty("user.home"));
        // "-Dname=value" among the extra arguments is a system property of the child (a crash-injection point)
        final List<String> engineArgs = new ArrayList<>();
        for (final String a : extraArgs)
        {
            (a.startsWith("-D") ? cmd : engineArgs).add(a);
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("io.dispatch.DispatcherMain");
        cmd.add("--data-dir");
        cmd.add(dataDir.toString());
        cmd.add("--port");
        cmd.add(Integer.toString(port));
        cmd.add("--admin-port");
        cmd.add("-1");
        cmd.addAll(engineArgs);
        Files.createDirectories(dataDir);
        process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        final Thread pump = new Thread(this::pump, "child-engine-output");
        pump.setDaemon(true);
        pump.start();
    }

    public static ChildEngine start(final Path dataDir, final String... extraArgs) throws Exception
    {
        final ChildEngine child = new ChildEngine(dataDir, extraArgs);
        if (!child.ready.await(60, TimeUnit.SECONDS))
        {
            child.kill();
            throw new IllegalStateException("child engine did not start within 60 s");
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
                System.out.println("[child " + port + "] " + line);
                output.add(line);
                final Matcher m = REDISPATCH.matcher(line);
                if (m.find())
                {
                    redispatched.set(Long.parseLong(m.group(1)));
                }
                if (line.startsWith("dispatcher ready"))
                {
                    ready.countDown();
                }
            }
        }
        catch (final IOException ignored)
        {
            // the child died: nothing more to read
        }
        finally
        {
            outputEnded.countDown();
        }
    }

    /** What a child that exits by itself left: its exit code and every line it wrote (stdout and stderr). */
    public record Exit(int code, List<String> output)
    {
        public String text()
        {
            return String.join("\n", output);
        }
    }

    /**
     * Runs the engine on {@code dataDir} with {@code extraArgs} (later flags override the defaults) and waits for
     * it to exit by itself, as it must on a setup mistake. Fails if it is still running after {@code timeoutMs}.
     */
    public static Exit runToExit(final Path dataDir, final long timeoutMs, final String... extraArgs) throws Exception
    {
        final ChildEngine child = new ChildEngine(dataDir, extraArgs);
        if (!child.awaitExit(timeoutMs))
        {
            child.kill();
            throw new IllegalStateException("child engine still running after " + timeoutMs + " ms: " + child.output);
        }
        child.outputEnded.await(10, TimeUnit.SECONDS);
        return new Exit(child.process.exitValue(), List.copyOf(child.output));
    }

    /** SIGTERM: the engine drains and exits by itself; its output is still read (Process.destroy() would close it). */
    public void terminate()
    {
        process.toHandle().destroy();
    }

    public long pid()
    {
        return process.pid();
    }

    /** @return the exit code, once {@link #awaitExit} returned true. */
    public int exitCode()
    {
        return process.exitValue();
    }

    /** @return every line the child wrote so far; complete once it exited and {@link #awaitExit} returned true. */
    public List<String> output() throws InterruptedException
    {
        if (!process.isAlive())
        {
            outputEnded.await(10, TimeUnit.SECONDS);
        }
        return List.copyOf(output);
    }

    public int port()
    {
        return port;
    }

    /** @return the redispatch count the child logged after recovery, or -1. */
    public long recoveryRedispatched()
    {
        return redispatched.get();
    }

    /** SIGQUIT: the child prints a thread dump into its output (echoed here), for diagnosing stalls. */
    public void threadDump() throws Exception
    {
        new ProcessBuilder("kill", "-3", Long.toString(process.pid())).inheritIO().start().waitFor(5, TimeUnit.SECONDS);
        Thread.sleep(1_000);
    }

    /** SIGKILL: no shutdown hook, no flush. */
    public void kill()
    {
        process.destroyForcibly();
    }

    public boolean awaitExit(final long timeoutMs) throws InterruptedException
    {
        return process.waitFor(timeoutMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close()
    {
        if (process.isAlive())
        {
            process.destroy();
            try
            {
                if (!process.waitFor(15, TimeUnit.SECONDS))
                {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
            catch (final InterruptedException ex)
            {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private static int freePort() throws IOException
    {
        try (ServerSocket s = new ServerSocket(0))
        {
            return s.getLocalPort();
        }
    }
}
