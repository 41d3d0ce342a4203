package io.dispatch.load;

import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.MessageKind;

import io.dispatch.load.scenario.ScenarioFile;
import io.dispatch.load.scenario.Setting;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Parses {@code scripts/loadtest} flags into a {@link LoadTestConfig}. Accepts {@code --flag value} and
 * {@code --flag=value}. Every error is a {@link UsageException} whose message names the flag.
 * <p>
 * <b>Threading:</b> stateless.
 */
public final class ArgsParser
{
    public static final String USAGE = String.join("\n",
        "usage: scripts/loadtest [--scenario FILE] [flags]",
        "",
        "Open-loop load against the engine. Latency is measured from each message's intended send time",
        "(corrected for coordinated omission). The run is a warm-up, then the measured period; only the",
        "measured period reaches the histograms and the report. A scenario file describes streams of traffic",
        "(class, channel mix, rate profile, recipients, payload), the simulated providers and an SLO; flags",
        "override it. Every key: docs/load-testing.md.",
        "",
        "  --scenario FILE        scenario file (key = value lines), e.g. load-tests/scenarios/steady-informational.properties",
        "  --set KEY=VALUE        override any scenario key, e.g. --set stream.campaign.rate=20000 (repeatable)",
        "  --engine MODE          external (default: an engine already running at --host/--port) | embedded",
        "                         (start one in this JVM with the scenario's sim.* and engine.* settings)",
        "  --host HOST            engine host (default " + LoadTestConfig.DEFAULT_HOST + ")",
        "  --port PORT            engine port (default " + LoadTestConfig.DEFAULT_PORT + ")",
        "  --rate N               offered messages per second, all connections together (default "
            + (long)LoadTestConfig.DEFAULT_RATE + "); with a scenario: scales every stream so the",
        "                         measured period's mean is N",
        "  --duration SECONDS     measured period, after the warm-up (default " + LoadTestConfig.DEFAULT_DURATION_S + ")",
        "  --warmup SECONDS       warm-up before the measured period, excluded from histograms (default "
            + LoadTestConfig.DEFAULT_WARMUP_S + ")",
        "  --connections N        TCP connections sharing the rate (default " + LoadTestConfig.DEFAULT_CONNECTIONS + ")",
        "  --out DIR              output folder (default ./loadtest-out/<timestamp>)",
        "  --slo EXPR             latency objective, e.g. 'p99.ack<5ms' or 'p99.9.e2e.informational<50ms,p99.ack<5ms'",
        "  --saturate             saturation mode: step the rate up (saturation.* keys) and report the highest",
        "                         rate meeting --slo",
        "  --print-engine-args    print the scripts/dispatcher --set flags for the scenario's engine settings, exit",
        "  --tenant NAME          tenant (default " + LoadTestConfig.DEFAULT_TENANT + ")",
        "  --api-key KEY          API key (default " + LoadTestConfig.DEFAULT_API_KEY + ")",
        "  --tls                  connect over TLS (docs/security.md); the JDK's trusted CAs unless --ca",
        "  --ca FILE              PEM CA certificate(s) of the engine's certificate (implies --tls)",
        "  --cert FILE            PEM client certificate for mutual TLS (implies --tls), with:",
        "  --cert-key FILE        its unencrypted PKCS#8 PEM key",
        "  --engine-latency-url URL  the engine's /latency (e.g. http://127.0.0.1:7701/latency), read at the end",
        "                         of the warm-up, each second and after the drain: the report shows the engine's",
        "                         own latency for exactly the measured period (with --engine embedded: automatic)",
        "  --metrics-url URL      older form: the /latency of the same host and port as this /metrics URL",
        "",
        "Without --scenario, one stream of identical messages:",
        "  --channel CH           sms | push | chat (default sms)",
        "  --kind KIND            informational | auth | marketing (default informational)",
        "  --payload-bytes N      text size in bytes, 1..4000 (default " + LoadTestConfig.DEFAULT_PAYLOAD_BYTES + ")",
        "  --recipients N         size of the recipient pool cycled through (default "
            + LoadTestConfig.DEFAULT_RECIPIENTS + ")",
        "  --help                 this text",
        "",
        "Writes DIR/report.json, report.txt, report.html (plots, no network needed), ack.hlog, e2e.hlog and",
        "ack.CLASS.hlog / e2e.CLASS.hlog per message class (HdrHistogram interval logs, microseconds).",
        "Exit codes: 0 done (and the SLO met, when one is set), 1 cannot connect or run, 2 bad flags or",
        "scenario, 3 the run completed but missed its SLO (no rate met it, in saturation mode).");

    /** The engine's admin route of latency histograms (dispatcher's LatencyRoute.PATH). */
    static final String LATENCY_PATH = "/latency";

    private ArgsParser()
    {
    }

    /** @return true when {@code --help} or {@code -h} appears anywhere: print {@link #USAGE} and exit 0. */
    public static boolean helpRequested(final String[] args)
    {
        for (final String arg : args)
        {
            if ("--help".equals(arg) || "-h".equals(arg))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * @throws UsageException naming the offending flag, or the scenario key and line.
     */
    public static LoadTestConfig parse(final String[] args)
    {
        return parseRun(args).config;
    }

    /** The parsed command line: the configuration plus the flags that are not part of it. */
    public static final class ParsedArgs
    {
        public final LoadTestConfig config;
        public final boolean printEngineArgs;

        ParsedArgs(final LoadTestConfig config, final boolean printEngineArgs)
        {
            this.config = config;
            this.printEngineArgs = printEngineArgs;
        }
    }

    /**
     * The scenario file is applied first, wherever {@code --scenario} appears, then every flag in order.
     *
     * @throws UsageException naming the offending flag, or the scenario key and line.
     */
    public static ParsedArgs parseRun(final String[] args)
    {
        final LoadTestConfig.Builder b = LoadTestConfig.builder();
        final ScenarioSettings settings = new ScenarioSettings(b);
        try
        {
            final List<String[]> flags = split(args);
            boolean printEngineArgs = false;
            boolean scenario = false;
            for (final String[] f : flags)
            {
                if ("--scenario".equals(f[0]))
                {
                    if (scenario)
                    {
                        throw new UsageException("--scenario given twice");
                    }
                    scenario = true;
                    final Path file = parsePath(f[0], f[1]);
                    ScenarioFile.read(file).forEach(settings::apply);
                    if (!b.hasStreamSettings())
                    {
                        throw new UsageException("--scenario " + file + " defines no stream (stream.NAME.rate = ...)");
                    }
                    b.name(b.hasStreamSettings() && "flags".equals(nameOf(b)) ? stripExtension(file) : nameOf(b));
                }
            }
            for (final String[] f : flags)
            {
                if ("--print-engine-args".equals(f[0]))
                {
                    printEngineArgs = true;
                }
                else if (!"--scenario".equals(f[0]))
                {
                    apply(b, settings, f[0], f[1], scenario);
                }
            }
            settings.finish();
            final LoadTestConfig config = b.build();
            if (config.saturation() != null && config.slo() == null)
            {
                throw new UsageException("saturation mode needs an SLO: --slo 'p99.ack<5ms' or slo = ... in the scenario");
            }
            return new ParsedArgs(config, printEngineArgs);
        }
        catch (final UsageException ex)
        {
            throw ex;
        }
        catch (final IllegalArgumentException ex)
        {
            throw new UsageException(ex.getMessage());
        }
    }

    private static final List<String> BOOLEAN_FLAGS = List.of("--saturate", "--print-engine-args", "--tls");

    /** @return {flag, value} pairs; boolean flags get a null value. */
    private static List<String[]> split(final String[] args)
    {
        final List<String[]> flags = new ArrayList<>();
        int i = 0;
        while (i < args.length)
        {
            final String arg = args[i];
            if (!arg.startsWith("--"))
            {
                throw new UsageException("unexpected argument '" + arg + "' (flags start with --; see --help)");
            }
            final int eq = arg.indexOf('=');
            final String flag = eq < 0 ? arg : arg.substring(0, eq);
            if (BOOLEAN_FLAGS.contains(flag))
            {
                if (eq >= 0)
                {
                    throw new UsageException(flag + " takes no value");
                }
                flags.add(new String[] {flag, null});
                i++;
                continue;
            }
            final String value;
            if (eq >= 0)
            {
                value = arg.substring(eq + 1);
                i++;
            }
            else
            {
                if (i + 1 >= args.length)
                {
                    throw new UsageException(flag + " needs a value (see --help)");
                }
                value = args[i + 1];
                i += 2;
            }
            flags.add(new String[] {flag, value});
        }
        return flags;
    }

    private static void apply(
        final LoadTestConfig.Builder b, final ScenarioSettings settings, final String flag, final String value,
        final boolean scenario)
    {
        switch (flag)
        {
            case "--host": b.host(value); break;
            case "--port": b.port(parseInt(flag, value)); break;
            case "--rate": b.rate(parseDouble(flag, value)); break;
            case "--duration": b.durationS(parseInt(flag, value)); break;
            case "--warmup": b.warmupS(parseInt(flag, value)); break;
            case "--connections": b.connections(parseInt(flag, value)); break;
            case "--out": b.outDir(parsePath(flag, value)); break;
            case "--tenant": b.tenant(value); break;
            case "--api-key": b.apiKey(value); break;
            case "--tls": b.tls(true); break;
            case "--ca": b.tlsCaFile(parsePath(flag, value)); break;
            case "--cert": b.tlsCertFile(parsePath(flag, value)); break;
            case "--cert-key": b.tlsKeyFile(parsePath(flag, value)); break;
            case "--engine-latency-url": b.engineLatencyUrl(parseHttpUrl(flag, value)); break;
            case "--metrics-url": b.engineLatencyUrl(parseHttpUrl(flag, value).resolve(LATENCY_PATH)); break;
            case "--engine": settings.apply(Setting.fromFlag(flag, "engine", value)); break;
            case "--slo": settings.apply(Setting.fromFlag(flag, "slo", value)); break;
            case "--saturate": settings.saturate(Setting.fromFlag(flag, "saturate", "")); break;
            case "--set":
            {
                final int eq = value.indexOf('=');
                if (eq <= 0)
                {
                    throw new UsageException("--set expects KEY=VALUE, got '" + value + "'");
                }
                settings.apply(Setting.fromSet(value.substring(0, eq).trim(), value.substring(eq + 1).trim()));
                break;
            }
            case "--channel":
            case "--kind":
            case "--payload-bytes":
            case "--recipients":
                if (scenario || b.hasStreamSettings())
                {
                    throw new UsageException(flag + " describes the single stream of a run without a scenario; " +
                        "with --scenario use --set stream.NAME." + streamKeyOf(flag) + "=...");
                }
                single(b, flag, value);
                break;
            default: throw new UsageException("unknown flag " + flag + " (see --help)");
        }
    }

    private static void single(final LoadTestConfig.Builder b, final String flag, final String value)
    {
        switch (flag)
        {
            case "--channel": b.channel(parseEnum(flag, value, ChannelType.class)); break;
            case "--kind": b.kind(parseEnum(flag, value, MessageKind.class)); break;
            case "--payload-bytes": b.payloadBytes(parseInt(flag, value)); break;
            default: b.recipients(parseInt(flag, value)); break;
        }
    }

    private static String streamKeyOf(final String flag)
    {
        switch (flag)
        {
            case "--kind": return "class";
            case "--channel": return "channel";
            case "--payload-bytes": return "payload";
            default: return "recipients";
        }
    }

    private static String nameOf(final LoadTestConfig.Builder b)
    {
        return b.name();
    }

    private static String stripExtension(final Path file)
    {
        final String n = file.getFileName().toString();
        final int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    private static int parseInt(final String flag, final String value)
    {
        try
        {
            return Integer.parseInt(value.trim());
        }
        catch (final NumberFormatException ex)
        {
            throw new UsageException(flag + " expects an integer, got '" + value + "'");
        }
    }

    private static double parseDouble(final String flag, final String value)
    {
        try
        {
            final double d = Double.parseDouble(value.trim());
            if (Double.isNaN(d) || Double.isInfinite(d))
            {
                throw new NumberFormatException(value);
            }
            return d;
        }
        catch (final NumberFormatException ex)
        {
            throw new UsageException(flag + " expects a number, got '" + value + "'");
        }
    }

    private static java.net.URI parseHttpUrl(final String flag, final String value)
    {
        try
        {
            final java.net.URI url = new java.net.URI(value);
            if (("http".equals(url.getScheme()) || "https".equals(url.getScheme())) && url.getHost() != null)
            {
                return url;
            }
        }
        catch (final java.net.URISyntaxException ex)
        {
            // reported below
        }
        throw new UsageException(flag + " must be an http(s) URL such as http://127.0.0.1:7701" +
            ("--metrics-url".equals(flag) ? "/metrics" : LATENCY_PATH) + ", got '" + value + "'");
    }

    private static Path parsePath(final String flag, final String value)
    {
        if (value.isBlank())
        {
            throw new UsageException(flag + " must not be empty");
        }
        try
        {
            return Path.of(value);
        }
        catch (final InvalidPathException ex)
        {
            throw new UsageException(flag + " is not a valid path: " + ex.getMessage());
        }
    }

    private static <E extends Enum<E>> E parseEnum(final String flag, final String value, final Class<E> type)
    {
        try
        {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
        }
        catch (final IllegalArgumentException ex)
        {
            final StringBuilder allowed = new StringBuilder();
            for (final E e : type.getEnumConstants())
            {
                allowed.append(allowed.length() == 0 ? "" : " | ").append(e.name().toLowerCase(Locale.ROOT));
            }
            throw new UsageException(flag + " must be one of " + allowed + ", got '" + value + "'");
        }
    }
}
