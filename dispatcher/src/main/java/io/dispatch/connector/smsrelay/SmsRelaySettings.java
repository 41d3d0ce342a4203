package io.dispatch.connector.smsrelay;

import io.dispatch.connector.http.ConnectorSettings;
import io.dispatch.connector.http.Secret;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The validated, immutable settings of an {@code smsrelay} connector (keys under {@code lane.<channel>.connector.};
 * every key is documented in docs/connectors/sms-relay.md).
 */
record SmsRelaySettings(
    URI baseUrl,
    String appKey,
    Secret secretKey,
    String sendNo,
    String trustCertFile,
    long connectTimeoutMs,
    long requestTimeoutMs,
    int maxConnections,
    LongText longText,
    Map<String, LongText> longTextByTenant,
    int splitMaxParts,
    String defaultTitle,
    String imagesDir,
    String imagesAllowedDir,
    long smsReceiptTimeoutMs,
    long lmsReceiptTimeoutMs,
    long priceSms,
    long priceLms,
    long priceMms,
    String webhookHost,
    int webhookPort,
    String webhookPath,
    Secret webhookSignature)
{
    /** What a text over the 90-byte SMS limit becomes (per tenant: {@code longText.<tenant>}). */
    enum LongText
    {
        /** One LMS (title ≤ 40 bytes, body ≤ 2,000 bytes), the Korean default. */
        LMS,
        /** Several SMS of ≤ 90 bytes each, sent in order (cheaper per part, but no title and no order on the phone). */
        SPLIT
    }

    static final String DEFAULT_BASE_URL = "https://api-sms.cloud.toast.com";
    static final String API = "/sms/v3.0/appKeys/";
    static final int NO_WEBHOOK = -1;
    static final String LONG_TEXT_PREFIX = "longText.";
    /** NHN: SMS 25 h, LMS/MMS 80 h, after which the relay reports 2000 (NHN SMS error-code page); plus an hour for the webhook. */
    static final long SMS_RECEIPT_TIMEOUT_MS = 26L * 3_600_000;
    static final long LMS_RECEIPT_TIMEOUT_MS = 81L * 3_600_000;

    static final Set<String> KEYS = Set.of(
        "baseUrl", "appKey", "secretKeyFile", "secretKeyEnv", "sendNo", "trustCertFile",
        "connectTimeoutMs", "requestTimeoutMs", "maxConnections", "longText", "split.maxParts", "lms.defaultTitle",
        "images.dir", "images.allowedDir", "receiptTimeout.smsMs", "receiptTimeout.lmsMs",
        "price.sms", "price.lms", "price.mms",
        "webhook.host", "webhook.port", "webhook.path", "webhook.signatureFile", "webhook.signatureEnv");

    private static final Pattern APP_KEY = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern SEND_NO = Pattern.compile("[0-9]{1,13}");

    static SmsRelaySettings parse(final ConnectorSettings s, final Map<String, String> raw)
    {
        final Map<String, String> plain = new HashMap<>();
        final Map<String, LongText> byTenant = new HashMap<>();
        for (final Map.Entry<String, String> e : raw.entrySet())
        {
            if (e.getKey().startsWith(LONG_TEXT_PREFIX))
            {
                final String tenant = e.getKey().substring(LONG_TEXT_PREFIX.length());
                byTenant.put(tenant, longText(s, e.getKey(), e.getValue()));
            }
            else
            {
                plain.put(e.getKey(), e.getValue());
            }
        }
        new ConnectorSettings(SmsRelayConnectorFactory.TYPE, plain, k -> null).requireKnown(KEYS);
        final URI baseUrl = s.httpUri("baseUrl", DEFAULT_BASE_URL);
        final String appKey = s.required("appKey");
        if (!APP_KEY.matcher(appKey).matches())
        {
            throw s.fail("appKey", "must be 1-64 letters, digits, '_' or '-' (it is a path segment)");
        }
        final String sendNo = s.required("sendNo").replace("-", "");
        if (!SEND_NO.matcher(sendNo).matches())
        {
            throw s.fail("sendNo", "must be the registered sender number, 1-13 digits (dashes allowed)");
        }
        final String title = s.string("lms.defaultTitle", null);
        if (title != null && SmsText.eucKrLength(title) > SmsText.TITLE_BYTES)
        {
            throw s.fail("lms.defaultTitle", "must fit " + SmsText.TITLE_BYTES + " bytes in EUC-KR, was "
                + SmsText.eucKrLength(title) + (SmsText.eucKrLength(title) == SmsText.NOT_ENCODABLE ? " (not EUC-KR)" : ""));
        }
        final long webhookPort = s.number("webhook.port", NO_WEBHOOK, 0, 65535);
        final String path = s.string("webhook.path", "/sms/webhook");
        if (!path.startsWith("/"))
        {
            throw s.fail("webhook.path", "must start with '/'");
        }
        final boolean signed = s.string("webhook.signatureFile", null) != null || s.string("webhook.signatureEnv", null) != null;
        return new SmsRelaySettings(
            baseUrl,
            appKey,
            s.secret("secretKey"),
            sendNo,
            s.string("trustCertFile", null),
            s.number("connectTimeoutMs", 3_000, 1, 60_000),
            s.number("requestTimeoutMs", 10_000, 1, 300_000),
            (int)s.number("maxConnections", 32, 1, 4096),
            longText(s, "longText", s.string("longText", "lms")),
            Map.copyOf(byTenant),
            (int)s.number("split.maxParts", 4, 2, 10),
            title,
            s.string("images.dir", null),
            s.string("images.allowedDir", null),
            s.number("receiptTimeout.smsMs", SMS_RECEIPT_TIMEOUT_MS, 1, 30L * 86_400_000),
            s.number("receiptTimeout.lmsMs", LMS_RECEIPT_TIMEOUT_MS, 1, 30L * 86_400_000),
            s.number("price.sms", 0, 0, 1_000_000),
            s.number("price.lms", 0, 0, 1_000_000),
            s.number("price.mms", 0, 0, 1_000_000),
            s.string("webhook.host", "127.0.0.1"),
            (int)webhookPort,
            path,
            signed ? s.secret("webhook.signature") : null);
    }

    static SmsRelaySettings parse(final Map<String, String> settings)
    {
        return parse(ConnectorSettings.of(SmsRelayConnectorFactory.TYPE, settings), settings);
    }

    private static LongText longText(final ConnectorSettings s, final String key, final String value)
    {
        switch (value == null ? "" : value.trim())
        {
            case "lms": return LongText.LMS;
            case "split": return LongText.SPLIT;
            default: throw s.fail(key, "'" + value + "' is not lms or split");
        }
    }

    LongText longTextOf(final String tenant)
    {
        final LongText t = longTextByTenant.get(tenant);
        return t == null ? longText : t;
    }

    /** The base URL's path without a trailing slash, so a relay behind a path prefix works. */
    String apiPath()
    {
        return ConnectorSettings.basePath(baseUrl) + API + appKey;
    }

    long receiptTimeoutMs(final SmsType type)
    {
        return type == SmsType.SMS ? smsReceiptTimeoutMs : lmsReceiptTimeoutMs;
    }

    long price(final SmsType type)
    {
        switch (type)
        {
            case SMS: return priceSms;
            case LMS: return priceLms;
            default: return priceMms;
        }
    }

    @Override
    public String toString()
    {
        // what the start-up line shows: no secret, and the app key only by its length
        return "base=" + baseUrl + " appKey=(" + appKey.length() + " chars) longText=" + longText
            + (longTextByTenant.isEmpty() ? "" : " longTextByTenant=" + longTextByTenant)
            + " maxConnections=" + maxConnections + " requestTimeoutMs=" + requestTimeoutMs
            + " webhook=" + (webhookPort == NO_WEBHOOK ? "off" : webhookHost + ":" + webhookPort + webhookPath)
            + " webhookSigned=" + (webhookSignature != null);
    }
}
