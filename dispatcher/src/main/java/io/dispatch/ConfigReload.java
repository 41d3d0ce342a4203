package io.dispatch;

import io.dispatch.config.ConfigurationException;
import io.dispatch.config.Settings;
import io.dispatch.config.TenantConfig;
import io.dispatch.config.TenantRegistry;
import io.dispatch.route.AdminReply;
import io.dispatch.route.AdminRoute;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.Supplier;

/**
 * Re-reads the configuration without a restart (SIGHUP, or {@code POST /config/reload} on the admin port) and
 * puts the tenants' API keys ({@code apiKey}, {@code apiKeyNext}) in force: the way to rotate a key. The whole
 * configuration is validated as at start (a mistake refuses the reload and changes nothing); only the keys are
 * applied. A change to the tenants themselves is refused: see {@link TenantRegistry#replaceKeys}.
 * Reloads are rare and serialised; nothing here is on a message path.
 */
public final class ConfigReload implements AdminRoute
{
    private static final Logger LOG = LoggerFactory.getLogger(ConfigReload.class);

    /** @param applied false when nothing was changed; {@code message} then says why. */
    public record Result(boolean applied, String message)
    {
    }

    private final TenantRegistry tenants;
    private final Supplier<Settings> source;

    /**
     * @param source reads the configuration as at start: the file, then the command line's overrides; null when the
     *               engine was started without one (a reload is then refused).
     */
    ConfigReload(final TenantRegistry tenants, final Supplier<Settings> source)
    {
        this.tenants = tenants;
        this.source = source;
    }

    public synchronized Result reload()
    {
        final Supplier<Settings> s = source;
        if (s == null)
        {
            return refused("the engine was started without a configuration to re-read (scripts/dispatcher --config)");
        }
        final List<TenantConfig> fresh;
        try
        {
            // validated exactly as at start: a mistake anywhere in the file refuses the reload
            fresh = DispatcherMain.setup(s.get()).config().tenants();
        }
        catch (final ConfigurationException | IllegalArgumentException | UncheckedIOException ex)
        {
            return refused(ex.getMessage());
        }
        final String problem = tenants.replaceKeys(fresh);
        if (problem != null)
        {
            return refused(problem);
        }
        final StringBuilder keys = new StringBuilder();
        for (final TenantConfig t : fresh)
        {
            keys.append(keys.length() == 0 ? "" : "; ").append(t.name()).append(' ').append(t.describeKeys());
        }
        LOG.info("event=config_reloaded keys=\"{}\" hint=\"new HELLOs use these keys; sessions already " +
            "authenticated keep going; other settings need a restart\"", keys);
        return new Result(true, "reloaded: " + keys);
    }

    private static Result refused(final String why)
    {
        LOG.warn("event=config_reload_refused reason=\"{}\" hint=\"nothing changed; fix the configuration and " +
            "reload again\"", why);
        return new Result(false, why);
    }

    @Override
    public AdminReply handle(final String method, final QueryStringDecoder uri)
    {
        if (!method.equals("POST") || !uri.path().equals("/config/reload"))
        {
            return new AdminReply(405, "POST /config/reload\n");
        }
        final Result r = reload();
        return new AdminReply(r.applied() ? 200 : 409, r.message() + "\n");
    }
}
