package io.dispatch.connector.push;

/**
 * Push recipients on the PUSH lane: {@code apns:<hex device token>} or {@code fcm:<registration token>}.
 * A connector of one provider also takes the bare token. Stateless.
 */
public final class PushRecipient
{
    public static final String APNS_PREFIX = "apns:";
    public static final String FCM_PREFIX = "fcm:";

    /** APNs device tokens are 32 bytes today; Apple says they may grow, so allow up to 100 bytes. */
    private static final int APNS_MIN_HEX = 16;
    private static final int APNS_MAX_HEX = 200;
    /** FCM registration tokens are about 150-180 characters; 4 KB is a generous cap on the request. */
    private static final int FCM_MAX_LENGTH = 4096;

    private PushRecipient()
    {
    }

    /** @return the lower-case hex device token, or null when the recipient is not one. */
    public static String apnsToken(final String recipient)
    {
        final String token = recipient.startsWith(APNS_PREFIX) ? recipient.substring(APNS_PREFIX.length()) : recipient;
        final int n = token.length();
        if (n < APNS_MIN_HEX || n > APNS_MAX_HEX || (n & 1) != 0)
        {
            return null;
        }
        for (int i = 0; i < n; i++)
        {
            if (Character.digit(token.charAt(i), 16) < 0)
            {
                return null;
            }
        }
        return token.toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * @return the registration token, or null when the recipient is not one. FCM tokens are URL-safe
     * base64 with {@code :} separators; anything else would break the JSON or be refused with 400.
     */
    public static String fcmToken(final String recipient)
    {
        final String token = recipient.startsWith(FCM_PREFIX) ? recipient.substring(FCM_PREFIX.length()) : recipient;
        if (token.isEmpty() || token.length() > FCM_MAX_LENGTH)
        {
            return null;
        }
        for (int i = 0; i < token.length(); i++)
        {
            final char c = token.charAt(i);
            final boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '_' || c == ':' || c == '.';
            if (!ok)
            {
                return null;
            }
        }
        return token;
    }
}
