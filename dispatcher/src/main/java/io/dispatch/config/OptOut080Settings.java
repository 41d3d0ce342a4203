package io.dispatch.config;

import java.util.Map;
import java.util.TreeMap;

/**
 * The 080 opt-out webhook receiver (docs/connectors.md "080 opt-out webhook"): where it listens and, per tenant, the
 * signature its 080 provider sends in {@code X-Toast-Webhook-Signature}. Off unless {@code optout080.port} is set.
 *
 * @param port   -1 off, 0 any free port, else the port.
 * @param tokens tenant name → the signature configured for that tenant's webhook (at least 16 characters).
 */
public record OptOut080Settings(int port, String host, Map<String, String> tokens)
{
    public static final String PORT = "optout080.port";
    public static final String HOST = "optout080.host";
    public static final String TOKEN_PREFIX = "optout080.token.";
    static final int MIN_TOKEN_LENGTH = 16;

    public static OptOut080Settings read(final Settings s)
    {
        final int port = s.integer(PORT, -1, -1, 65535);
        final String host = s.string(HOST, "127.0.0.1");
        final Map<String, String> tokens = new TreeMap<>();
        s.withPrefix(TOKEN_PREFIX).forEach((key, token) ->
        {
            final String tenant = key.substring(TOKEN_PREFIX.length());
            if (TenantConfig.readAll(s).stream().noneMatch(t -> t.name().equals(tenant)))
            {
                throw new ConfigurationException(key, "no tenant '" + tenant + "' in `tenants`");
            }
            if (token.trim().length() < MIN_TOKEN_LENGTH)
            {
                throw new ConfigurationException(key, "at least " + MIN_TOKEN_LENGTH + " characters: it is the only " +
                    "credential of the webhook (the signature entered in the 080 provider's webhook settings)");
            }
            tokens.put(tenant, token.trim());
        });
        if (port >= 0 && tokens.isEmpty())
        {
            throw new ConfigurationException(PORT, "the receiver takes opt-outs only for tenants with a token: set " +
                TOKEN_PREFIX + "<tenant>");
        }
        return new OptOut080Settings(port, host, Map.copyOf(tokens));
    }

    public boolean enabled()
    {
        return port >= 0;
    }

    public String describe()
    {
        return enabled() ? "optout080 " + host + ":" + port + " tenants=" + tokens.keySet() : "optout080 off";
    }
}
