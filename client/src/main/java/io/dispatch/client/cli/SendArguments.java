package io.dispatch.client.cli;

import io.dispatch.client.ClientConfig;
import io.dispatch.client.Submit;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.SubmitDescriptor;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAccessor;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parsed arguments of {@link SendCommand}: {@code --flag value} or {@code --flag=value}; each flag at most once
 * except the repeatable {@code --var NAME=VALUE}. Every error names the flag. One mode per run: send (or, with
 * {@code --explain}, a dry run), {@code --status}, {@code --cancel}, {@code --cancel-key} or {@code --consent}.
 * <p>
 * Immutable once parsed; not meant to be shared between threads.
 */
final class SendArguments
{
    enum Mode
    {
        SEND, EXPLAIN, STATUS, CANCEL, CONSENT, LISTEN, HELP
    }

    /** A local date-time in {@code --send-at} is read in this zone, the engine's default tenant zone. */
    static final ZoneId LOCAL_ZONE = ZoneId.of("Asia/Seoul");

    /**
     * The consent flags {@code --consent} names, by bit: {@code 1 << index} is the CONSENT frame's flag
     * (1 ad, 2 night-ad, 4 opted-out; see {@code DispatchClient.updateConsent}).
     */
    static final List<String> CONSENT_NAMES = List.of("ad", "night-ad", "opted-out");

    private static final Set<String> SWITCHES = Set.of("--wait", "--explain", "--help", "-h", "--tls", "--listen");
    private static final Set<String> VALUED = Set.of(
        "--kind", "--to", "--channel", "--text", "--template", "--var", "--key", "--ttl", "--send-at",
        "--fallback-after", "--wait-timeout", "--status", "--cancel", "--cancel-key", "--consent", "--source", "--host", "--port",
        "--tenant", "--api-key", "--ca", "--cert", "--cert-key", "--from-position", "--count");
    /** What {@code --listen} may be combined with besides the connection options. */
    private static final Set<String> LISTEN_FLAGS = Set.of("--listen", "--from-position", "--count");
    /** Flags that only describe a message to send. */
    private static final Set<String> MESSAGE_FLAGS = Set.of(
        "--kind", "--text", "--template", "--var", "--key", "--ttl", "--send-at", "--fallback-after", "--wait",
        "--wait-timeout", "--explain");
    private static final Set<String> MODE_FLAGS = Set.of("--status", "--cancel", "--cancel-key", "--consent");

    Mode mode = Mode.SEND;
    MessageKind kind = MessageKind.INFORMATIONAL;
    ChannelType channel = ChannelType.SMS;
    String to;
    String text;
    String template;
    final Map<String, String> vars = new LinkedHashMap<>();
    String key;
    int ttlSeconds;
    long sendAtEpochMs;
    /** Push first: the message's own receipt deadline, 0 for the lane's. */
    long fallbackAfterMs;
    boolean waitForReceipts;
    int waitTimeoutSeconds = 30;
    long statusId;
    long cancelId = -1;
    String cancelKey;
    /** The channel of a consent update; null for every channel. */
    ChannelType consentChannel;
    int consentSet;
    int consentClear;
    String source = "scripts/send";
    /** {@code --listen}: resume after this inbound position; -1 = from now. */
    long fromPosition = -1;
    /** {@code --listen}: exit after this many inbound messages; 0 = never. */
    long listenCount;
    String host = "127.0.0.1";
    int port = 7700;
    String tenant = "demo";
    String apiKey = "demo-key";
    boolean tls;
    String caFile;
    String certFile;
    String certKeyFile;

    private SendArguments()
    {
    }

    static SendArguments parse(final String... args) throws UsageException
    {
        return parse(Clock.systemUTC(), args);
    }

    /** @param clock the time {@code --send-at +SECONDS} counts from. */
    static SendArguments parse(final Clock clock, final String... args) throws UsageException
    {
        final SendArguments a = new SendArguments();
        final Set<String> seen = new LinkedHashSet<>();
        for (int i = 0; i < args.length; i++)
        {
            final String arg = args[i];
            final int eq = arg.indexOf('=');
            final String flag = arg.startsWith("--") && eq > 0 ? arg.substring(0, eq) : arg;
            if (SWITCHES.contains(flag))
            {
                if (eq > 0)
                {
                    throw new UsageException(flag + " takes no value");
                }
                seen.add(flag);
                if (flag.equals("--wait"))
                {
                    a.waitForReceipts = true;
                }
                else if (flag.equals("--explain"))
                {
                    a.mode = Mode.EXPLAIN;
                }
                else if (flag.equals("--tls"))
                {
                    a.tls = true;
                }
                else if (flag.equals("--listen"))
                {
                    a.mode = Mode.LISTEN;
                }
                else
                {
                    a.mode = Mode.HELP;
                    return a;
                }
                continue;
            }
            if (!VALUED.contains(flag))
            {
                throw new UsageException(arg.startsWith("-") ?
                    "unknown option " + flag : "unexpected argument '" + arg + "' (values follow their flag)");
            }
            final String value;
            if (eq > 0)
            {
                value = arg.substring(eq + 1);
            }
            else if (i + 1 < args.length)
            {
                value = args[++i];
            }
            else
            {
                throw new UsageException(flag + " needs a value");
            }
            if (!flag.equals("--var") && !seen.add(flag))
            {
                throw new UsageException(flag + " given more than once");
            }
            seen.add(flag);
            a.apply(flag, value, clock);
        }
        a.check(seen);
        return a;
    }

    private void apply(final String flag, final String value, final Clock clock) throws UsageException
    {
        switch (flag)
        {
            case "--kind":
                kind = parseEnum(flag, value, MessageKind.class);
                break;
            case "--channel":
                channel = parseEnum(flag, value, ChannelType.class);
                break;
            case "--to":
                to = value;
                break;
            case "--text":
                text = value;
                break;
            case "--template":
                template = value;
                break;
            case "--var":
                final int eq = value.indexOf('=');
                if (eq <= 0)
                {
                    throw new UsageException("--var must be NAME=VALUE, was '" + value + "'");
                }
                if (vars.put(value.substring(0, eq), value.substring(eq + 1)) != null)
                {
                    throw new UsageException("--var " + value.substring(0, eq) + " given more than once");
                }
                break;
            case "--key":
                key = value;
                break;
            case "--ttl":
                ttlSeconds = (int)parseLong(flag, value, 0, Integer.MAX_VALUE);
                break;
            case "--send-at":
                sendAtEpochMs = parseTime(flag, value, clock);
                break;
            case "--fallback-after":
                fallbackAfterMs = parseDurationMs(flag, value);
                break;
            case "--wait-timeout":
                waitTimeoutSeconds = (int)parseLong(flag, value, 1, 86_400);
                break;
            case "--from-position":
                fromPosition = parseLong(flag, value, 0, Long.MAX_VALUE);
                break;
            case "--count":
                listenCount = parseLong(flag, value, 1, Long.MAX_VALUE);
                break;
            case "--status":
                statusId = parseLong(flag, value, 0, Long.MAX_VALUE);
                mode = Mode.STATUS;
                break;
            case "--cancel":
                cancelId = parseLong(flag, value, 0, Long.MAX_VALUE);
                mode = Mode.CANCEL;
                break;
            case "--cancel-key":
                cancelKey = requireText(flag, value);
                mode = Mode.CANCEL;
                break;
            case "--consent":
                parseConsent(flag, value);
                mode = Mode.CONSENT;
                break;
            case "--source":
                source = value;
                break;
            case "--host":
                host = requireText(flag, value);
                break;
            case "--port":
                port = (int)parseLong(flag, value, 1, 65_535);
                break;
            case "--tenant":
                tenant = requireText(flag, value);
                break;
            case "--api-key":
                apiKey = value;
                break;
            case "--ca":
                caFile = requireText(flag, value);
                break;
            case "--cert":
                certFile = requireText(flag, value);
                break;
            case "--cert-key":
                certKeyFile = requireText(flag, value);
                break;
            default:
                throw new UsageException("unknown option " + flag);
        }
    }

    private void check(final Set<String> seen) throws UsageException
    {
        if (seen.contains("--listen"))
        {
            mode = Mode.LISTEN;
            for (final String flag : seen)
            {
                if (MESSAGE_FLAGS.contains(flag) || MODE_FLAGS.contains(flag) || flag.equals("--to") ||
                    flag.equals("--channel") || flag.equals("--source"))
                {
                    throw new UsageException("--listen prints inbound messages: it cannot be combined with " + flag);
                }
            }
            return;
        }
        for (final String flag : LISTEN_FLAGS)
        {
            if (seen.contains(flag))
            {
                throw new UsageException(flag + " needs --listen");
            }
        }
        String modeFlag = null;
        for (final String flag : seen)
        {
            if (MODE_FLAGS.contains(flag))
            {
                if (modeFlag != null)
                {
                    throw new UsageException(modeFlag + " cannot be combined with " + flag);
                }
                modeFlag = flag;
            }
        }
        if (seen.contains("--source") && !seen.contains("--consent"))
        {
            throw new UsageException("--source needs --consent");
        }
        if (modeFlag != null)
        {
            // --explain may have come later and set EXPLAIN: the mode flag decides, the check below refuses --explain.
            mode = modeFlag.equals("--status") ? Mode.STATUS :
                modeFlag.equals("--consent") ? Mode.CONSENT : Mode.CANCEL;
            final String what = describeMode(modeFlag);
            for (final String flag : seen)
            {
                final boolean allowed = !MESSAGE_FLAGS.contains(flag) && (mode == Mode.CONSENT ||
                    !flag.equals("--to") && !flag.equals("--channel"));
                if (!allowed)
                {
                    throw new UsageException(modeFlag + " " + what + ": it cannot be combined with " + flag);
                }
            }
            // The client checks these lengths only when it writes the frame: check them here, naming the flag.
            if (mode == Mode.CONSENT)
            {
                if (to == null || to.isEmpty())
                {
                    throw new UsageException("--consent needs --to RECIPIENT");
                }
                requireMaxBytes("--to", to, SubmitDescriptor.MAX_RECIPIENT_LENGTH);
                requireMaxBytes("--source", source, 255);
                consentChannel = seen.contains("--channel") ? channel : null;
            }
            if (cancelKey != null)
            {
                requireMaxBytes("--cancel-key", cancelKey, SubmitDescriptor.MAX_KEY_LENGTH);
            }
            return;
        }
        if (mode == Mode.EXPLAIN && (seen.contains("--wait") || seen.contains("--wait-timeout")))
        {
            throw new UsageException("--explain is a dry run: nothing is sent, so there is nothing to --wait for");
        }
        if (to == null || to.isEmpty())
        {
            throw new UsageException("--to is required (or use --status ID)");
        }
        if (text != null && template != null)
        {
            throw new UsageException("use either --text or --template, not both");
        }
        if (text == null && template == null)
        {
            throw new UsageException("--text or --template is required");
        }
        if (!vars.isEmpty() && template == null)
        {
            throw new UsageException("--var needs --template");
        }
    }

    private static String describeMode(final String modeFlag)
    {
        switch (modeFlag)
        {
            case "--status":
                return "queries a message";
            case "--consent":
                return "updates a recipient's consent";
            default:
                return "cancels a deferred message";
        }
    }

    /** {@code ad,night-ad,-opted-out}: names to set, or to clear when prefixed with {@code -}. */
    private void parseConsent(final String flag, final String value) throws UsageException
    {
        for (final String raw : value.split(",", -1))
        {
            final String item = raw.trim();
            final boolean clear = item.startsWith("-");
            final String name = clear ? item.substring(1) : item;
            final int index = CONSENT_NAMES.indexOf(name.toLowerCase(Locale.ROOT));
            if (index < 0)
            {
                throw new UsageException(flag + " takes a comma list of ad, night-ad, opted-out, each optionally " +
                    "prefixed with - to clear it; '" + item + "' in '" + value + "' is none of them");
            }
            final int bit = 1 << index;
            if (((consentSet | consentClear) & bit) != 0)
            {
                throw new UsageException(flag + " names " + name + " more than once in '" + value + "'");
            }
            if (clear)
            {
                consentClear |= bit;
            }
            else
            {
                consentSet |= bit;
            }
        }
    }

    /**
     * {@code +SECONDS} from now, an ISO-8601 instant or offset date-time ({@code 2026-11-26T09:00:00Z},
     * {@code 2026-11-26T09:00+09:00}), or a local date-time read in {@link #LOCAL_ZONE}.
     */
    static long parseTime(final String flag, final String value, final Clock clock) throws UsageException
    {
        final String v = value.trim();
        if (v.startsWith("+"))
        {
            return clock.millis() + 1000 * parseLong(flag, v.substring(1), 0, 366L * 86_400);
        }
        try
        {
            final TemporalAccessor t = DateTimeFormatter.ISO_DATE_TIME.parseBest(
                v, ZonedDateTime::from, OffsetDateTime::from, LocalDateTime::from);
            final long epochMs = t instanceof ZonedDateTime ? ((ZonedDateTime)t).toInstant().toEpochMilli() :
                t instanceof OffsetDateTime ? ((OffsetDateTime)t).toInstant().toEpochMilli() :
                ((LocalDateTime)t).atZone(LOCAL_ZONE).toInstant().toEpochMilli();
            if (epochMs < 0)
            {
                throw new UsageException(flag + " must be after 1970, was '" + value + "'");
            }
            return epochMs;
        }
        catch (final DateTimeException ex)
        {
            throw new UsageException(flag + " must be +SECONDS, an ISO-8601 time such as 2026-11-26T09:00:00+09:00 " +
                "or a local date-time such as 2026-11-26T09:00 (Asia/Seoul), was '" + value + "'");
        }
    }

    /** @return {@code value} (e.g. {@code 60s}, {@code 2m}, {@code 1500ms}; bare digits are seconds) in ms, at least 1 s. */
    static long parseDurationMs(final String flag, final String value) throws UsageException
    {
        final java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]{1,9})(ms|s|m|h)?").matcher(value);
        if (!m.matches())
        {
            throw new UsageException(flag + " must be a duration such as 60s, 2m or 1500ms, was '" + value + "'");
        }
        final long n = Long.parseLong(m.group(1));
        final String unit = m.group(2) == null ? "s" : m.group(2);
        final long ms = switch (unit)
        {
            case "ms" -> n;
            case "m" -> n * 60_000;
            case "h" -> n * 3_600_000;
            default -> n * 1_000;
        };
        if (ms < io.dispatch.protocol.FallbackDeadline.MIN_MS)
        {
            throw new UsageException(flag + " must be at least 1s, was '" + value + "'");
        }
        return ms;
    }

    /** @return the message to send (SEND mode). */
    Submit toSubmit() throws UsageException
    {
        final Submit.Builder b = Submit.builder().kind(kind).channel(channel).to(to).ttlSeconds(ttlSeconds);
        if (text != null)
        {
            b.text(text);
        }
        if (template != null)
        {
            b.template(template);
        }
        vars.forEach(b::var);
        if (key != null)
        {
            b.key(key);
        }
        b.sendAt(sendAtEpochMs);
        if (fallbackAfterMs > 0)
        {
            b.fallbackAfter(java.time.Duration.ofMillis(fallbackAfterMs));
        }
        try
        {
            return b.build();
        }
        catch (final IllegalArgumentException ex)
        {
            throw new UsageException("--" + ex.getMessage());
        }
    }

    ClientConfig toClientConfig() throws UsageException
    {
        try
        {
            final ClientConfig.Builder b = ClientConfig.builder()
                .host(host)
                .port(port)
                .tenant(tenant)
                .apiKey(apiKey)
                .clientName("send-cli")
                .reconnect(false);
            ConnectionOptions.tls(b, tls, caFile, certFile, certKeyFile);
            return b.build();
        }
        catch (final IllegalArgumentException ex)
        {
            throw new UsageException(ConnectionOptions.flagMessage(ex));
        }
    }

    private static <E extends Enum<E>> E parseEnum(final String flag, final String value, final Class<E> type)
        throws UsageException
    {
        for (final E e : type.getEnumConstants())
        {
            if (e.name().equalsIgnoreCase(value.trim()))
            {
                return e;
            }
        }
        final StringBuilder names = new StringBuilder();
        for (final E e : type.getEnumConstants())
        {
            names.append(names.length() == 0 ? "" : "|").append(e.name().toLowerCase(Locale.ROOT));
        }
        throw new UsageException(flag + " must be " + names + ", was '" + value + "'");
    }

    static long parseLong(final String flag, final String value, final long min, final long max)
        throws UsageException
    {
        try
        {
            final long n = Long.parseLong(value.trim());
            if (n >= min && n <= max)
            {
                return n;
            }
        }
        catch (final NumberFormatException ignored)
        {
            // reported below with the accepted range
        }
        throw new UsageException(flag + " must be a whole number in " + min + ".." + max + ", was '" + value + "'");
    }

    private static void requireMaxBytes(final String flag, final String value, final int max)
        throws UsageException
    {
        final int bytes = value.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > max)
        {
            throw new UsageException(flag + " is " + bytes + " bytes UTF-8, at most " + max + " allowed");
        }
    }

    private static String requireText(final String flag, final String value) throws UsageException
    {
        if (value.isBlank())
        {
            throw new UsageException(flag + " must not be empty");
        }
        return value;
    }
}
