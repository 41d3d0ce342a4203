package io.dispatch.connector.kakao;

import io.dispatch.connector.http.ConnectorSettings;
import io.dispatch.connector.http.Secret;

import java.net.URI;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The validated, immutable settings of a {@code kakao} connector (keys under {@code lane.<channel>.connector.};
 * every key is documented in docs/connectors/kakao.md).
 */
record KakaoSettings(
    URI baseUrl,
    String appKey,
    Secret secretKey,
    String senderKey,
    String trustCertFile,
    long connectTimeoutMs,
    long requestTimeoutMs,
    int maxConnections,
    String brandTargeting,
    boolean resendEnabled,
    String resendType,
    String resendSendNo,
    String resendTitle,
    String resendUnsubscribeNo,
    String webhookHost,
    int webhookPort,
    String webhookPath,
    Secret webhookSignature,
    int correlationCapacity,
    int batchSize,
    long batchLingerMs,
    long batchSettleDelayMs)
{
    static final String DEFAULT_BASE_URL = "https://kakaotalk-bizmessage.api.nhncloudservice.com";
    static final int NO_WEBHOOK = -1;
    /** NHN's limit of recipients per send request (AlimTalk v2.3 and Brand Message v1.0 {@code recipientList}). */
    static final int MAX_BATCH = 1_000;

    static final Set<String> KEYS = Set.of(
        "baseUrl", "appKey", "secretKeyFile", "secretKeyEnv", "senderKey", "trustCertFile",
        "connectTimeoutMs", "requestTimeoutMs", "maxConnections", "brand.targeting",
        "resend.enabled", "resend.type", "resend.sendNo", "resend.title", "resend.unsubscribeNo",
        "webhook.host", "webhook.port", "webhook.path", "webhook.signatureFile", "webhook.signatureEnv",
        "webhook.correlationCapacity", "batchSize", "batchLingerMs", "batchSettleDelayMs");

    private static final Pattern APP_KEY = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern PHONE = Pattern.compile("[0-9-]{1,20}");

    static KakaoSettings parse(final ConnectorSettings s)
    {
        s.requireKnown(KEYS);
        final URI baseUrl = s.httpUri("baseUrl", DEFAULT_BASE_URL);
        final String appKey = s.required("appKey");
        if (!APP_KEY.matcher(appKey).matches())
        {
            throw s.fail("appKey", "must be 1-64 letters, digits, '_' or '-' (it is a path segment)");
        }
        final String senderKey = s.required("senderKey");
        if (senderKey.length() != 40)
        {
            throw s.fail("senderKey", "must be the 40-character sender key of the KakaoTalk channel, was "
                + senderKey.length() + " characters");
        }
        final boolean resend = s.bool("resend.enabled", false);
        final String sendNo = s.string("resend.sendNo", null);
        if (resend && sendNo == null)
        {
            throw s.fail("resend.sendNo", "required when resend.enabled=true (a sender number registered in NHN SMS)");
        }
        if (sendNo != null && !PHONE.matcher(sendNo).matches())
        {
            throw s.fail("resend.sendNo", "'" + sendNo + "' is not a phone number");
        }
        final long webhookPort = s.number("webhook.port", NO_WEBHOOK, 0, 65535);
        final String path = s.string("webhook.path", "/kakao/webhook");
        if (!path.startsWith("/"))
        {
            throw s.fail("webhook.path", "must start with '/'");
        }
        final boolean signed = s.string("webhook.signatureFile", null) != null || s.string("webhook.signatureEnv", null) != null;
        return new KakaoSettings(
            baseUrl,
            appKey,
            s.secret("secretKey"),
            senderKey,
            s.string("trustCertFile", null),
            s.number("connectTimeoutMs", 3_000, 1, 60_000),
            s.number("requestTimeoutMs", 10_000, 1, 300_000),
            (int)s.number("maxConnections", 32, 1, 4096),
            s.oneOf("brand.targeting", "I", Set.of("I", "M", "N")),
            resend,
            s.oneOf("resend.type", null, Set.of("SMS", "LMS")),
            sendNo,
            s.string("resend.title", null),
            s.string("resend.unsubscribeNo", null),
            s.string("webhook.host", "127.0.0.1"),
            (int)webhookPort,
            path,
            signed ? s.secret("webhook.signature") : null,
            (int)s.number("webhook.correlationCapacity", 65_536, 16, 16_777_216),
            (int)s.number("batchSize", MAX_BATCH, 1, MAX_BATCH),
            s.number("batchLingerMs", 20, 0, 10_000),
            s.number("batchSettleDelayMs", 15_000, 0, 600_000));
    }

    static KakaoSettings parse(final Map<String, String> settings)
    {
        return parse(ConnectorSettings.of(KakaoConnectorFactory.TYPE, settings));
    }

    /** The base URL's path without a trailing slash, so a relay behind a path prefix works. */
    String basePath()
    {
        return ConnectorSettings.basePath(baseUrl);
    }

    String alimtalkPath()
    {
        return basePath() + "/alimtalk/v2.3/appkeys/" + appKey + "/messages";
    }

    String authPath()
    {
        return basePath() + "/alimtalk/v2.3/appkeys/" + appKey + "/auth/messages";
    }

    /** Where sends of {@code sendPath} are listed (NHN "메시지 리스트 조회": GET on the send path of AlimTalk). */
    String listPath(final String sendPath)
    {
        return sendPath.equals(brandPath()) ? basePath() + "/brand-message/v1.0/appkeys/" + appKey + "/messages" : sendPath;
    }

    String brandPath()
    {
        return basePath() + "/brand-message/v1.0/appkeys/" + appKey + "/freestyle-messages";
    }

    @Override
    public String toString()
    {
        // what the start-up line shows: no secret, and the app key only by its length
        return "base=" + baseUrl + " appKey=(" + appKey.length() + " chars) maxConnections=" + maxConnections
            + " requestTimeoutMs=" + requestTimeoutMs + " resend=" + resendEnabled
            + " webhook=" + (webhookPort == NO_WEBHOOK ? "off" : webhookHost + ":" + webhookPort + webhookPath)
            + " webhookSigned=" + (webhookSignature != null) + " batchSize=" + batchSize + " batchLingerMs=" + batchLingerMs;
    }
}
