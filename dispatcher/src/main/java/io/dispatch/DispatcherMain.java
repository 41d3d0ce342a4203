package io.dispatch;

import io.dispatch.config.Configuration;
import io.dispatch.config.ConfigurationException;
import io.dispatch.config.DispatcherConfig;
import io.dispatch.config.Settings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/** Command line entry point: {@code scripts/dispatcher [--config FILE] [--data-dir DIR] [--port N] ...}. */
public final class DispatcherMain
{
    static final String USAGE = String.join(System.lineSeparator(),
        "usage: scripts/dispatcher [options]",
        "",
        "Starts the dispatch engine. With no options: journal under ./data, binary protocol on",
        "127.0.0.1:7700, health and metrics on http://127.0.0.1:7701/health and /metrics, simulated",
        "providers for sms, push and chat.",
        "",
        "  --config FILE      configuration file (key=value; every key in docs/configuration.md)",
        "  --data-dir DIR     where the journal lives (default ./data)",
        "  --port N           binary protocol port (default 7700)",
        "  --admin-port N     health/metrics port (default 7701, -1 = off)",
        "  --set KEY=VALUE    override any configuration key (repeatable)",
        "  --help             this text",
        "",
        "Ctrl-C or SIGTERM drains (up to shutdown.drainMs) and exits 0; a second one stops at once.",
        "SIGHUP re-reads the configuration and puts the tenants' API keys in force (docs/security.md).");

    private DispatcherMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final Settings settings;
        try
        {
            settings = parse(args);
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("error: " + ex.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        if (settings == null)
        {
            System.out.println(USAGE);
            return;
        }
        if (!settings.withPrefix("cluster.").isEmpty())
        {
            System.err.println("error: configuration key '" + settings.withPrefix("cluster.").firstKey() + "': cluster mode" +
                " runs with scripts/cluster node, not scripts/dispatcher (docs/cluster.md)");
            System.exit(2);
            return;
        }
        final Setup setup;
        try
        {
            setup = setup(settings);
        }
        catch (final ConfigurationException ex)
        {
            System.err.println("error: " + ex.getMessage());
            System.exit(2);
            return;
        }
        final DispatcherConfig config = setup.config();
        final long drainMs = setup.drainMs();
        // installed before the launch: a signal during a long recovery drains once the engine runs, never kills
        // it half-started through the JVM's default handling; a second signal still stops it at once
        final CompletableFuture<Dispatcher> launched = new CompletableFuture<>();
        final CountDownLatch stopped = new CountDownLatch(1);
        final AtomicInteger exitCode = new AtomicInteger();
        Shutdown.onSignals(() ->
        {
            try
            {
                launched.join().drain(drainMs);
            }
            catch (final RuntimeException | Error ex)
            {
                ex.printStackTrace();
                exitCode.set(1);
            }
            finally
            {
                stopped.countDown();
            }
        });
        final Dispatcher dispatcher;
        try
        {
            // SIGHUP and POST /config/reload re-read the file and the same overrides: a key rotation without a restart
            dispatcher = Dispatcher.launch(config, Dispatcher.Context.DEFAULT.withConfigSource(() -> parse(args)));
        }
        catch (final ConfigurationException ex)
        {
            // connector settings, the data dir lock and the ports are checked at launch; launch stopped what it started
            System.err.println("error: " + ex.getMessage());
            System.exit(2);
            return;
        }
        catch (final Exception ex)
        {
            // not a setup mistake: the trace is for the bug report
            ex.printStackTrace();
            System.err.println("error: the engine failed to start: " + ex);
            System.exit(1);
            return;
        }
        // any other exit (System.exit elsewhere) still closes the journal; close() is idempotent
        Runtime.getRuntime().addShutdownHook(new Thread(dispatcher::close, "shutdown"));
        Shutdown.onReload(dispatcher::reloadConfig);
        launched.complete(dispatcher);
        System.out.println("dispatcher ready: protocol " + config.ingestHost() + ":" + dispatcher.port() + ", " +
            (dispatcher.adminPort() < 0 ? "admin endpoint off" : "health " + (config.admin().tls() ? "https" : "http") + "://" + config.admin().host() + ":" +
            dispatcher.adminPort() + "/health (also /health/live, /health/ready)") +
            " (Ctrl-C or SIGTERM drains and stops; a second one stops at once)");
        stopped.await();
        // drained and closed: exit 0 tells a supervisor this was an orderly stop, not a crash
        System.exit(exitCode.get());
    }

    /** What the engine runs with: the validated configuration and the drain bound of a graceful stop. */
    public record Setup(DispatcherConfig config, long drainMs)
    {
    }

    /**
     * Reads every key, then rejects any key nothing read (a typo would otherwise be ignored in silence).
     *
     * @throws ConfigurationException naming the key.
     */
    public static Setup setup(final Settings settings)
    {
        final DispatcherConfig config = DispatcherConfig.from(settings);
        final long drainMs = settings.longValue(Configuration.SHUTDOWN_DRAIN_MS_PROP_NAME,
            Configuration.SHUTDOWN_DRAIN_MS_DEFAULT, 0, 3_600_000);
        settings.rejectUnknownKeys();
        return new Setup(config, drainMs);
    }

    /** @return the settings, or null when --help was asked for. */
    public static Settings parse(final String[] args)
    {
        Path configFile = null;
        final java.util.List<String[]> overrides = new java.util.ArrayList<>();
        for (int i = 0; i < args.length; i++)
        {
            final String a = args[i];
            switch (a)
            {
                case "--help":
                case "-h":
                    return null;
                case "--config":
                    configFile = Path.of(value(args, ++i, a));
                    if (!Files.isRegularFile(configFile))
                    {
                        throw new IllegalArgumentException("--config: no such file " + configFile);
                    }
                    break;
                case "--data-dir":
                    overrides.add(new String[] {Configuration.DATA_DIR_PROP_NAME, value(args, ++i, a)});
                    break;
                case "--port":
                    overrides.add(new String[] {Configuration.INGEST_PORT_PROP_NAME, integer(args, ++i, a)});
                    break;
                case "--admin-port":
                    overrides.add(new String[] {Configuration.ADMIN_PORT_PROP_NAME, integer(args, ++i, a)});
                    break;
                case "--set":
                    final String kv = value(args, ++i, a);
                    final int eq = kv.indexOf('=');
                    if (eq <= 0)
                    {
                        throw new IllegalArgumentException("--set expects KEY=VALUE, got '" + kv + "'");
                    }
                    overrides.add(new String[] {kv.substring(0, eq), kv.substring(eq + 1)});
                    break;
                default:
                    throw new IllegalArgumentException("unknown option '" + a + "'");
            }
        }
        final Settings settings = Settings.load(configFile);
        for (final String[] kv : overrides)
        {
            settings.set(kv[0], kv[1]);
        }
        return settings;
    }

    private static String value(final String[] args, final int i, final String flag)
    {
        if (i >= args.length)
        {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }

    private static String integer(final String[] args, final int i, final String flag)
    {
        final String v = value(args, i, flag);
        try
        {
            Integer.parseInt(v);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(flag + ": '" + v + "' is not a number");
        }
        return v;
    }
}
