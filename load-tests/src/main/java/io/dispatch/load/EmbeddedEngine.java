package io.dispatch.load;

import io.dispatch.Dispatcher;
import io.dispatch.config.Configuration;
import io.dispatch.config.ConfigurationException;
import io.dispatch.config.DispatcherConfig;
import io.dispatch.config.Settings;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * {@code --engine embedded}: the engine under test started in the generator's JVM on an ephemeral
 * loopback port, with its embedded defaults plus the scenario's {@code sim.*} and {@code engine.*}
 * settings, and a fresh journal in a temporary folder that is deleted on close (unless the scenario
 * sets {@code engine.data.dir}). Its admin port is an ephemeral one on loopback, so the run reads the engine's own
 * latency ({@link #latencyUrl()}) without being asked. Convenient and self-contained; the generator and the engine
 * then share one heap and one JIT, so figures for docs/PERFORMANCE.md come from a separate engine process.
 * <p>
 * <b>Threading:</b> start and close from the run's main thread.
 */
public final class EmbeddedEngine implements AutoCloseable
{
    private final Dispatcher dispatcher;
    private final Path tempDataDir;

    private EmbeddedEngine(final Dispatcher dispatcher, final Path tempDataDir)
    {
        this.dispatcher = dispatcher;
        this.tempDataDir = tempDataDir;
    }

    /** @throws LoadTestException when the settings are rejected or the engine does not start. */
    public static EmbeddedEngine start(final Map<String, String> engineSettings, final PrintStream out)
        throws LoadTestException
    {
        final Settings settings = new Settings(new Properties());
        settings.set(Configuration.INGEST_HOST_PROP_NAME, "127.0.0.1");
        settings.set(Configuration.INGEST_PORT_PROP_NAME, "0");
        // an ephemeral admin port on loopback: the generator reads the engine's /latency from it
        settings.set(Configuration.ADMIN_PORT_PROP_NAME, "0");
        Path temp = null;
        if (!engineSettings.containsKey(Configuration.DATA_DIR_PROP_NAME))
        {
            try
            {
                temp = Files.createTempDirectory("loadtest-engine-");
            }
            catch (final IOException ex)
            {
                throw new LoadTestException("cannot create a journal folder for the embedded engine: " + ex, ex);
            }
            settings.set(Configuration.DATA_DIR_PROP_NAME, temp.toString());
        }
        engineSettings.forEach(settings::set);
        try
        {
            final DispatcherConfig config = DispatcherConfig.from(settings);
            final Dispatcher dispatcher = Dispatcher.launch(config);
            out.println("loadtest: embedded engine on 127.0.0.1:" + dispatcher.port() + ", journal in " +
                settings.string(Configuration.DATA_DIR_PROP_NAME, "?") + (engineSettings.isEmpty() ? "" :
                ", settings " + engineSettings));
            return new EmbeddedEngine(dispatcher, temp);
        }
        catch (final ConfigurationException | IllegalArgumentException ex)
        {
            deleteQuietly(temp);
            throw new LoadTestException("the embedded engine rejected the scenario's engine settings (engine.*, " +
                "sim.*): " + ex.getMessage(), ex);
        }
        catch (final Exception ex)
        {
            deleteQuietly(temp);
            throw new LoadTestException("the embedded engine did not start: " + ex, ex);
        }
    }

    public int port()
    {
        return dispatcher.port();
    }

    /** @return the engine's /latency, on its admin port, or null when the scenario turned the admin port off. */
    public java.net.URI latencyUrl()
    {
        final int admin = dispatcher.adminPort();
        return admin <= 0 ? null : java.net.URI.create("http://127.0.0.1:" + admin + ArgsParser.LATENCY_PATH);
    }

    @Override
    public void close()
    {
        dispatcher.close();
        deleteQuietly(tempDataDir);
    }

    private static void deleteQuietly(final Path dir)
    {
        if (dir == null)
        {
            return;
        }
        try (Stream<Path> files = Files.walk(dir))
        {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        catch (final IOException | UncheckedIOException ex)
        {
            // A temporary folder: the OS cleans it eventually.
        }
    }
}
