package io.dispatch.connector.talktalk;

import io.dispatch.connector.http.ConnectorSettings;
import io.dispatch.connector.http.Secret;
import io.netty.handler.ssl.SslContext;

import java.net.URI;
import java.util.Map;
import java.util.Set;

/**
 * The validated, immutable settings of a {@code talktalk} connector (keys under {@code lane.<channel>.connector.};
 * every key is documented in docs/connectors/talktalk.md).
 */
record TalkTalkSettings(
    URI baseUrl,
    Secret authorization,
    String partnerId,
    String tenant,
    String trustCertFile,
    long connectTimeoutMs,
    long requestTimeoutMs,
    int maxConnections,
    long ratePerSecond,
    boolean notification,
    String webhookHost,
    int webhookPort,
    String webhookPath,
    SslContext webhookTls,
    long webhookAnswerTimeoutMs)
{
    static final String DEFAULT_BASE_URL = "https://gw.talk.naver.com";
    static final String EVENT_PATH = "/chatbot/v1/event";
    static final int NO_WEBHOOK = -1;

    static final Set<String> KEYS = Set.of(
        "baseUrl", "authorizationFile", "authorizationEnv", "partnerId", "tenant", "trustCertFile",
        "connectTimeoutMs", "requestTimeoutMs", "maxConnections", "ratePerSecond", "notification",
        "webhook.host", "webhook.port", "webhook.path", "webhook.tlsCertFile", "webhook.tlsKeyFile",
        "webhook.answerTimeoutMs");

    static TalkTalkSettings parse(final ConnectorSettings s)
    {
        s.requireKnown(KEYS);
        final long webhookPort = s.number("webhook.port", NO_WEBHOOK, 0, 65535);
        final String tenant = s.string("tenant", null);
        if (webhookPort != NO_WEBHOOK && tenant == null)
        {
            throw s.fail("tenant", "required when webhook.port is set: the tenant whose consent and inbound stream "
                + "the webhook's events belong to");
        }
        final String path = s.string("webhook.path", "/talktalk/webhook");
        if (!path.startsWith("/"))
        {
            throw s.fail("webhook.path", "must start with '/'");
        }
        return new TalkTalkSettings(
            s.httpUri("baseUrl", DEFAULT_BASE_URL),
            s.secret("authorization"),
            s.string("partnerId", ""),
            tenant,
            s.string("trustCertFile", null),
            s.number("connectTimeoutMs", 3_000, 1, 60_000),
            s.number("requestTimeoutMs", 10_000, 1, 300_000),
            (int)s.number("maxConnections", 16, 1, 4096),
            s.number("ratePerSecond", 0, 0, 1_000_000),
            s.bool("notification", true),
            s.string("webhook.host", "127.0.0.1"),
            (int)webhookPort,
            path,
            // Naver calls the webhook over TLS only (a CA-issued certificate), unless a TLS proxy in front terminates it
            s.serverTls("webhook."),
            // Naver reads the answer for 5 s: answer a retriable error before that rather than be cut off
            s.number("webhook.answerTimeoutMs", 4_000, 100, 60_000));
    }

    static TalkTalkSettings parse(final Map<String, String> settings)
    {
        return parse(ConnectorSettings.of(TalkTalkConnectorFactory.TYPE, settings));
    }

    String eventPath()
    {
        return ConnectorSettings.basePath(baseUrl) + EVENT_PATH;
    }

    @Override
    public String toString()
    {
        // what the start-up line shows: no secret
        return "base=" + baseUrl + " partner=" + (partnerId.isEmpty() ? "-" : partnerId) + " maxConnections="
            + maxConnections + " requestTimeoutMs=" + requestTimeoutMs + " ratePerSecond="
            + (ratePerSecond == 0 ? "unlimited" : ratePerSecond) + " notification=" + notification
            + " webhook=" + (webhookPort == NO_WEBHOOK ? "off" : (webhookTls != null ? "https://" : "http://")
            + webhookHost + ":" + webhookPort + webhookPath + " tenant=" + tenant);
    }
}
