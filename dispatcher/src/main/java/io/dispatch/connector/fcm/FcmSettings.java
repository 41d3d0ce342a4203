package io.dispatch.connector.fcm;

import io.dispatch.connector.push.SettingsReader;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Settings of the {@code fcm} connector, read and checked once (docs/connectors/fcm.md lists them).
 * The service-account file is parsed here so that a bad file fails start-up naming the setting.
 * Immutable; {@link #toString()} shows no secret.
 */
record FcmSettings(
    ServiceAccount account,
    String projectId,
    URI sendUri,
    URI tokenUri,
    Path trustedCaFile,
    int maxInFlight,
    int connections,
    int threads,
    long connectTimeoutMs,
    long requestTimeoutMs,
    long tokenRefreshMarginMs)
{
    static final Set<String> KEYS = Set.of(
        "serviceAccountFile", "projectId", "endpoint", "tokenUri", "trustedCaFile", "maxInFlight", "connections", "threads",
        "connectTimeoutMs", "requestTimeoutMs", "tokenRefreshMarginMs");
    static final String DEFAULT_ENDPOINT = "https://fcm.googleapis.com";
    static final String DEFAULT_TOKEN_URI = "https://oauth2.googleapis.com/token";

    static FcmSettings parse(final Map<String, String> settings, final String prefix)
    {
        final SettingsReader s = new SettingsReader(settings, prefix).requireKnown(KEYS);
        final ServiceAccount account = ServiceAccount.load(s.file("serviceAccountFile", true), s.key("serviceAccountFile"));
        final String projectId = s.string("projectId", account.projectId());
        if (projectId == null || !projectId.matches("[a-z0-9][a-z0-9-]{0,62}"))
        {
            throw new IllegalArgumentException(s.key("projectId") +
                " (or project_id in the service-account file) must be a Firebase project id, not '" + projectId + "'");
        }
        final URI endpoint = https(s, "endpoint", DEFAULT_ENDPOINT);
        final String tokenDefault = account.tokenUri() != null ? account.tokenUri() : DEFAULT_TOKEN_URI;
        return new FcmSettings(
            account,
            projectId,
            endpoint.resolve("/v1/projects/" + projectId + "/messages:send"),
            https(s, "tokenUri", tokenDefault),
            s.file("trustedCaFile", false),
            (int)s.number("maxInFlight", 100, 1, 100_000),
            (int)s.number("connections", 2, 1, 64),
            (int)s.number("threads", 1, 1, 64),
            s.number("connectTimeoutMs", 10_000, 100, 600_000),
            s.number("requestTimeoutMs", 30_000, 100, 600_000),
            s.number("tokenRefreshMarginMs", 300_000, 0, 3_000_000));
    }

    private static URI https(final SettingsReader s, final String key, final String defaultValue)
    {
        final String v = s.string(key, defaultValue);
        try
        {
            final URI uri = new URI(v);
            if (!"https".equals(uri.getScheme()) || uri.getHost() == null)
            {
                throw new IllegalArgumentException(s.key(key) + " must be an https:// URL, not '" + v + "'");
            }
            return uri;
        }
        catch (final java.net.URISyntaxException ex)
        {
            throw new IllegalArgumentException(s.key(key) + ": '" + v + "' is not a URL", ex);
        }
    }

    @Override
    public String toString()
    {
        return "project=" + projectId + " send=" + sendUri + " token=" + tokenUri + " account=" + account.clientEmail() +
            " maxInFlight=" + maxInFlight + "x" + connections;
    }
}
