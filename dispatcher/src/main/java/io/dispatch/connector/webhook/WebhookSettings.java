package io.dispatch.connector.webhook;

import io.dispatch.connector.http.ConnectorSettings;
import io.dispatch.connector.http.Secret;

import java.net.URI;
import java.util.Map;
import java.util.Set;

/** The validated, immutable settings of a {@code webhook} connector (docs/connectors/webhook.md). */
record WebhookSettings(
    URI url,
    Secret secret,
    String trustCertFile,
    long connectTimeoutMs,
    long requestTimeoutMs,
    int maxConnections,
    boolean deliveredOnAccept)
{
    static final Set<String> KEYS = Set.of("url", "secretFile", "secretEnv", "trustCertFile", "connectTimeoutMs",
        "requestTimeoutMs", "maxConnections", "deliveredOnAccept", "allowPlainHttp");

    static WebhookSettings parse(final ConnectorSettings s)
    {
        s.requireKnown(KEYS);
        final URI url = s.httpUri("url", null);
        if ("http".equals(url.getScheme()) && !s.bool("allowPlainHttp", false))
        {
            throw s.fail("url", "must be https:// (set allowPlainHttp=true only for a receiver on a trusted network)");
        }
        return new WebhookSettings(
            url,
            s.secret("secret"),
            s.string("trustCertFile", null),
            s.number("connectTimeoutMs", 2_000, 1, 60_000),
            s.number("requestTimeoutMs", 5_000, 1, 300_000),
            (int)s.number("maxConnections", 32, 1, 4096),
            s.bool("deliveredOnAccept", true));
    }

    static WebhookSettings parse(final Map<String, String> settings)
    {
        return parse(ConnectorSettings.of(WebhookConnectorFactory.TYPE, settings));
    }

    /** The request target: the URL's path (queries are refused at parse time). */
    String path()
    {
        return url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    }

    @Override
    public String toString()
    {
        return "url=" + url + " maxConnections=" + maxConnections + " connectTimeoutMs=" + connectTimeoutMs
            + " requestTimeoutMs=" + requestTimeoutMs + " deliveredOnAccept=" + deliveredOnAccept;
    }
}
