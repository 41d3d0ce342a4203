package io.dispatch.connector.messenger;

import io.dispatch.connector.http.ConnectorSettings;
import io.dispatch.connector.http.Secret;
import io.netty.handler.ssl.SslContext;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The validated, immutable settings of a {@code messenger} connector (keys under {@code lane.<channel>.connector.};
 * every key is documented in docs/connectors/messenger.md). One connector sends for one Facebook Page.
 */
record MessengerSettings(
    URI baseUrl,
    String apiVersion,
    String pageId,
    Secret pageAccessToken,
    Secret appSecret,
    Secret verifyToken,
    String tenant,
    String messagingType,
    Map<String, String> tags,
    String trustCertFile,
    long connectTimeoutMs,
    long requestTimeoutMs,
    int maxConnections,
    long ratePerSecond,
    String webhookHost,
    int webhookPort,
    String webhookPath,
    SslContext webhookTls,
    long webhookAnswerTimeoutMs)
{
    static final String DEFAULT_BASE_URL = "https://graph.facebook.com";
    static final int NO_WEBHOOK = -1;
    /** Send API calls per second per Page, as Meta documents it (docs/connectors/messenger.md, "Limits"). */
    static final long PAGE_RATE_PER_SECOND = 300;
    static final String TAG_PREFIX = "tag.";
    /** The message tags Meta still allows (a tagged message may go outside the 24 h window, never promotional). */
    static final Set<String> ALLOWED_TAGS = Set.of(
        "CONFIRMED_EVENT_UPDATE", "POST_PURCHASE_UPDATE", "ACCOUNT_UPDATE", "HUMAN_AGENT");

    static final Set<String> KEYS = Set.of(
        "baseUrl", "apiVersion", "pageId", "pageAccessTokenFile", "pageAccessTokenEnv", "appSecretFile", "appSecretEnv",
        "verifyTokenFile", "verifyTokenEnv", "tenant", "messagingType", "trustCertFile", "connectTimeoutMs",
        "requestTimeoutMs", "maxConnections", "ratePerSecond", "webhook.host", "webhook.port", "webhook.path",
        "webhook.tlsCertFile", "webhook.tlsKeyFile", "webhook.answerTimeoutMs");

    private static final Pattern PAGE_ID = Pattern.compile("[0-9]{1,32}");
    private static final Pattern VERSION = Pattern.compile("v[0-9]{1,3}\\.[0-9]{1,3}");

    static MessengerSettings parse(final ConnectorSettings s, final Map<String, String> raw)
    {
        final Map<String, String> tags = new HashMap<>();
        final Set<String> known = new TreeSet<>(KEYS);
        for (final Map.Entry<String, String> e : raw.entrySet())
        {
            if (e.getKey().startsWith(TAG_PREFIX))
            {
                known.add(e.getKey());
                final String template = e.getKey().substring(TAG_PREFIX.length());
                final String tag = s.oneOf(e.getKey(), null, ALLOWED_TAGS);
                if (template.isEmpty() || tag == null)
                {
                    throw s.fail(e.getKey(), "give tag.<templateId>=<one of " + new TreeSet<>(ALLOWED_TAGS) + ">");
                }
                tags.put(template, tag);
            }
        }
        s.requireKnown(known);
        final String pageId = s.required("pageId");
        if (!PAGE_ID.matcher(pageId).matches())
        {
            throw s.fail("pageId", "'" + pageId + "' is not a numeric Facebook Page id");
        }
        final String version = s.string("apiVersion", "v21.0");
        if (!VERSION.matcher(version).matches())
        {
            throw s.fail("apiVersion", "'" + version + "' is not a Graph API version such as v21.0");
        }
        final long webhookPort = s.number("webhook.port", NO_WEBHOOK, 0, 65535);
        final String tenant = s.string("tenant", null);
        final boolean webhook = webhookPort != NO_WEBHOOK;
        if (webhook && tenant == null)
        {
            throw s.fail("tenant", "required when webhook.port is set: the tenant whose inbound stream and "
                + "conversation windows the webhook's events belong to");
        }
        if (webhook && s.string("appSecretFile", null) == null && s.string("appSecretEnv", null) == null)
        {
            throw s.fail("appSecretFile", "required when webhook.port is set: every webhook call is checked against "
                + "its X-Hub-Signature-256 (HMAC-SHA256 of the body with the app secret)");
        }
        final String path = s.string("webhook.path", "/messenger/webhook");
        if (!path.startsWith("/"))
        {
            throw s.fail("webhook.path", "must start with '/'");
        }
        final boolean verify = s.string("verifyTokenFile", null) != null || s.string("verifyTokenEnv", null) != null;
        return new MessengerSettings(
            s.httpUri("baseUrl", DEFAULT_BASE_URL),
            version,
            pageId,
            s.secret("pageAccessToken"),
            webhook ? s.secret("appSecret") : null,
            verify ? s.secret("verifyToken") : null,
            tenant,
            s.oneOf("messagingType", "RESPONSE", Set.of("RESPONSE", "UPDATE")),
            Map.copyOf(tags),
            s.string("trustCertFile", null),
            s.number("connectTimeoutMs", 3_000, 1, 60_000),
            s.number("requestTimeoutMs", 10_000, 1, 300_000),
            (int)s.number("maxConnections", 32, 1, 4096),
            s.number("ratePerSecond", PAGE_RATE_PER_SECOND, 0, 1_000_000),
            s.string("webhook.host", "127.0.0.1"),
            (int)webhookPort,
            path,
            s.serverTls("webhook."),
            s.number("webhook.answerTimeoutMs", 4_000, 100, 60_000));
    }

    static MessengerSettings parse(final Map<String, String> settings)
    {
        return parse(ConnectorSettings.of(MessengerConnectorFactory.TYPE, settings), settings);
    }

    /** The template → message tag map of a lane's connector settings: what the conversation window policy reads. */
    static Map<String, String> tags(final Map<String, String> settings)
    {
        return parse(settings).tags();
    }

    String messagesPath()
    {
        return ConnectorSettings.basePath(baseUrl) + "/" + apiVersion + "/" + pageId + "/messages";
    }

    @Override
    public String toString()
    {
        // what the start-up line shows: no token or secret
        return "base=" + baseUrl + " " + apiVersion + " page=" + pageId + " messagingType=" + messagingType
            + " tags=" + tags.size() + " ratePerSecond=" + (ratePerSecond == 0 ? "unlimited" : ratePerSecond)
            + " maxConnections=" + maxConnections + " requestTimeoutMs=" + requestTimeoutMs
            + " webhook=" + (webhookPort == NO_WEBHOOK ? "off" : (webhookTls != null ? "https://" : "http://")
            + webhookHost + ":" + webhookPort + webhookPath + " tenant=" + tenant);
    }
}
