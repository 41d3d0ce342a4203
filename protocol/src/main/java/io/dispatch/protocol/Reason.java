package io.dispatch.protocol;

/**
 * Why a message reached a state: carried with FAILED, REJECTED, EXPIRED and RETRYING. Stable numbers.
 * Provider-specific codes are mapped onto these by each connector.
 */
public enum Reason
{
    NONE(0),
    PROVIDER_UNAVAILABLE(1),
    PROVIDER_THROTTLED(2),
    PROVIDER_TIMEOUT(3),
    INVALID_RECIPIENT(10),
    RECIPIENT_UNREACHABLE(11),
    CONTENT_REJECTED(12),
    TEMPLATE_MISMATCH(13),
    OPTED_OUT(14),
    /** The push token or address is no longer valid (APNs 410, FCM UNREGISTERED): invalidated in the directory. */
    UNREGISTERED(15),
    /** The recipient has no account on the chat channel (Kakao 3018/3019): the clean fallback trigger. */
    NOT_CHANNEL_USER(16),
    /** The recipient blocked the sender on the channel (Kakao 3020). */
    RECIPIENT_BLOCKED(17),
    /** The provider refused the send at this time of day (Kakao 3022). */
    OUTSIDE_SEND_WINDOW(18),
    /** The payload exceeds the provider's limit (APNs 4 KB, SMS segments). */
    PAYLOAD_TOO_LARGE(19),
    RETRIES_EXHAUSTED(20),
    TTL_EXPIRED(21),
    RECEIPT_TIMEOUT(22),
    NO_CONNECTOR(23),
    /** The channel did not get the message provider-accepted within the lane's fallback deadline: moved to the next channel. */
    FALLBACK_DEADLINE(24),
    UNDELIVERABLE(30),
    PROVIDER_ERROR(31),
    /** The provider refused our credentials (bind refused, 401/403). */
    PROVIDER_AUTH_FAILED(32),
    /** The lane's circuit breaker is open: the provider failed too often. */
    CIRCUIT_OPEN(33),

    // Policy decisions (docs/policies.md).
    /** Marketing to a recipient without ad consent for the channel. */
    NO_CONSENT(40),
    /** Marketing inside the night window to a recipient without night-ad consent. */
    NO_NIGHT_CONSENT(41),
    /** The recipient's frequency cap for the class and channel is reached. */
    FREQUENCY_CAPPED(42),
    /** A rate limit was exceeded and the tenant's policy rejects rather than defers. */
    RATE_LIMITED(43),
    /** Deferred to the end of the night window. */
    NIGHT_WINDOW(44),
    /** Cancelled by the client before it was sent. */
    CANCELLED(45),
    /** Marketing content without the (광고) marking or the free opt-out notice, under a validate-only policy. */
    AD_MARKING_MISSING(46),
    /** The recipient is not in the directory, or has no address for the channel. */
    UNKNOWN_RECIPIENT(47),
    /** Deferred by send-at scheduling. */
    SCHEDULED(48),
    /**
     * Messenger: outside the 24 h after the user's last message, and marketing or without a message tag for its
     * template (the policy), or the platform said so (error 10 / 2018278). Numbered apart from 49-51, which other
     * branches of this release may take.
     */
    OUTSIDE_CONVERSATION_WINDOW(52),
    /**
     * Cluster mode: the node lost the message's partition before it sent it, so it ends its copy unsent; the
     * partition's new owner sends the message. Journaled on that node only, never published under the cluster id.
     */
    OWNERSHIP_LOST(53);

    private static final Reason[] BY_CODE = new Reason[64];

    static
    {
        for (final Reason r : values())
        {
            BY_CODE[r.code] = r;
        }
    }

    private final int code;

    Reason(final int code)
    {
        this.code = code;
    }

    public int code()
    {
        return code;
    }

    public static Reason of(final int code)
    {
        final Reason r = code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
        return r == null ? PROVIDER_ERROR : r;
    }
}
