package io.dispatch.load;

import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.MessageKind;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
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
        "usage: scripts/loadtest [flags]",
        "",
        "Open-loop load at a fixed offered rate against a running engine. Latency is measured from each",
        "message's intended send time (corrected for coordinated omission). The run is a warm-up, then the",
        "measured period; only the measured period reaches the histograms and the report.",
        "",
        "  --host HOST            engine host (default " + LoadTestConfig.DEFAULT_HOST + ")",
        "  --port PORT            engine port (default " + LoadTestConfig.DEFAULT_PORT + ")",
        "  --rate N               offered messages per second, all connections together (default "
            + (long)LoadTestConfig.DEFAULT_RATE + ")",
        "  --duration SECONDS     measured period, after the warm-up (default " + LoadTestConfig.DEFAULT_DURATION_S + ")",
        "  --warmup SECONDS       warm-up before the measured period, excluded from histograms (default "
            + LoadTestConfig.DEFAULT_WARMUP_S + ")",
        "  --connections N        TCP connections sharing the rate (default " + LoadTestConfig.DEFAULT_CONNECTIONS + ")",
        "  --out DIR              output folder (default ./loadtest-out/<timestamp>)",
        "  --channel CH           sms | push | chat (default sms)",
        "  --kind KIND            informational | auth | marketing (default informational)",
        "  --tenant NAME          tenant (default " + LoadTestConfig.DEFAULT_TENANT + ")",
        "  --api-key KEY          API key (default " + LoadTestConfig.DEFAULT_API_KEY + ")",
        "  --payload-bytes N      text size in bytes, 1..4000 (default " + LoadTestConfig.DEFAULT_PAYLOAD_BYTES + ")",
        "  --recipients N         size of the recipient pool cycled through (default "
            + LoadTestConfig.DEFAULT_RECIPIENTS + ")",
        "  --help                 this text",
        "",
        "Writes DIR/report.json, DIR/report.txt, DIR/ack.hlog and DIR/e2e.hlog (HdrHistogram interval logs,",
        "values in microseconds). Exit codes: 0 done, 1 cannot connect or run, 2 bad flags.");

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
     * @throws UsageException naming the offending flag.
     */
    public static LoadTestConfig parse(final String[] args)
    {
        final LoadTestConfig.Builder b = LoadTestConfig.builder();
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
            apply(b, flag, value);
        }
        try
        {
            return b.build();
        }
        catch (final IllegalArgumentException ex)
        {
            throw new UsageException(ex.getMessage());
        }
    }

    private static void apply(final LoadTestConfig.Builder b, final String flag, final String value)
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
            case "--channel": b.channel(parseEnum(flag, value, ChannelType.class)); break;
            case "--kind": b.kind(parseEnum(flag, value, MessageKind.class)); break;
            case "--tenant": b.tenant(value); break;
            case "--api-key": b.apiKey(value); break;
            case "--payload-bytes": b.payloadBytes(parseInt(flag, value)); break;
            case "--recipients": b.recipients(parseInt(flag, value)); break;
            default: throw new UsageException("unknown flag " + flag + " (see --help)");
        }
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
