package io.dispatch.connector.webhook;

import io.dispatch.connector.http.Secret;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

/**
 * HMAC-SHA256 over {@code "<timestamp>.<body>"}, hex encoded, sent as {@code X-Dispatch-Signature: v1=<hex>}.
 * Binding the timestamp into the MAC lets receivers refuse replays older than their window (5 minutes is the
 * documented recommendation) without trusting an unsigned header. Not thread-safe: one per lane thread (the
 * receiver side makes its own).
 */
public final class WebhookSigner
{
    public static final String SIGNATURE_HEADER = "X-Dispatch-Signature";
    public static final String TIMESTAMP_HEADER = "X-Dispatch-Timestamp";
    public static final String MESSAGE_ID_HEADER = "X-Dispatch-Message-Id";
    public static final String ATTEMPT_HEADER = "X-Dispatch-Attempt";
    public static final String VERSION = "v1=";

    private final Mac mac;

    public WebhookSigner(final Secret secret)
    {
        try
        {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.bytes(), "HmacSHA256"));
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", ex);
        }
    }

    /** @return {@code v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>}. */
    public String sign(final long timestampSeconds, final byte[] body)
    {
        mac.update(Long.toString(timestampSeconds).getBytes(StandardCharsets.US_ASCII));
        mac.update((byte)'.');
        mac.update(body);
        return VERSION + HexFormat.of().formatHex(mac.doFinal());
    }
}
