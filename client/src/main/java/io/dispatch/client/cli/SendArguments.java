package io.dispatch.client.cli;

import io.dispatch.client.ClientConfig;
import io.dispatch.client.Submit;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.MessageKind;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Parsed arguments of {@link SendCommand}: {@code --flag value} or {@code --flag=value}; each flag at most once
 * except the repeatable {@code --var NAME=VALUE}. Every error names the flag.
 * <p>
 * Immutable once parsed; not meant to be shared between threads.
 */
final class SendArguments
{
    enum Mode
    {
        SEND, STATUS, HELP
    }

    private static final Set<String> SWITCHES = Set.of("--wait", "--help", "-h");
    private static final Set<String> VALUED = Set.of(
        "--kind", "--to", "--channel", "--text", "--template", "--var", "--key", "--ttl", "--wait-timeout",
        "--status", "--host", "--port", "--tenant", "--api-key");

    Mode mode = Mode.SEND;
    MessageKind kind = MessageKind.INFORMATIONAL;
    ChannelType channel = ChannelType.SMS;
    String to;
    String text;
    String template;
    final Map<String, String> vars = new LinkedHashMap<>();
    String key;
    int ttlSeconds;
    boolean waitForReceipts;
    int waitTimeoutSeconds = 30;
    long statusId;
    String host = "127.0.0.1";
    int port = 7700;
    String tenant = "demo";
    String apiKey = "demo-key";

    private SendArguments()
    {
    }

    static SendArguments parse(final String... args) throws UsageException
    {
        final SendArguments a = new SendArguments();
        final Set<String> seen = new HashSet<>();
        boolean sendFlags = false;
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
                if (flag.equals("--wait"))
                {
                    a.waitForReceipts = true;
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
            sendFlags |= a.apply(flag, value);
        }
        a.check(sendFlags);
        return a;
    }

    /** @return true when the flag only makes sense for sending. */
    private boolean apply(final String flag, final String value) throws UsageException
    {
        switch (flag)
        {
            case "--kind":
                kind = parseEnum(flag, value, MessageKind.class);
                return true;
            case "--channel":
                channel = parseEnum(flag, value, ChannelType.class);
                return true;
            case "--to":
                to = value;
                return true;
            case "--text":
                text = value;
                return true;
            case "--template":
                template = value;
                return true;
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
                return true;
            case "--key":
                key = value;
                return true;
            case "--ttl":
                ttlSeconds = (int)parseLong(flag, value, 0, Integer.MAX_VALUE);
                return true;
            case "--wait-timeout":
                waitTimeoutSeconds = (int)parseLong(flag, value, 1, 86_400);
                return false;
            case "--status":
                statusId = parseLong(flag, value, 0, Long.MAX_VALUE);
                mode = Mode.STATUS;
                return false;
            case "--host":
                host = requireText(flag, value);
                return false;
            case "--port":
                port = (int)parseLong(flag, value, 1, 65_535);
                return false;
            case "--tenant":
                tenant = requireText(flag, value);
                return false;
            case "--api-key":
                apiKey = value;
                return false;
            default:
                throw new UsageException("unknown option " + flag);
        }
    }

    private void check(final boolean sendFlags) throws UsageException
    {
        if (mode == Mode.STATUS)
        {
            if (sendFlags || waitForReceipts)
            {
                throw new UsageException("--status queries a message: it cannot be combined with sending options");
            }
            return;
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
            return ClientConfig.builder()
                .host(host)
                .port(port)
                .tenant(tenant)
                .apiKey(apiKey)
                .clientName("send-cli")
                .reconnect(false)
                .build();
        }
        catch (final IllegalArgumentException ex)
        {
            // Config messages start with the field name; the flags spell api-key with a dash.
            throw new UsageException("--" + ex.getMessage().replaceFirst("^apiKey", "api-key"));
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
            names.append(names.length() == 0 ? "" : "|").append(e.name().toLowerCase(java.util.Locale.ROOT));
        }
        throw new UsageException(flag + " must be " + names + ", was '" + value + "'");
    }

    private static long parseLong(final String flag, final String value, final long min, final long max)
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

    private static String requireText(final String flag, final String value) throws UsageException
    {
        if (value.isBlank())
        {
            throw new UsageException(flag + " must not be empty");
        }
        return value;
    }
}
