package io.dispatch.connector.kakao;

import io.dispatch.protocol.Reason;

/**
 * Maps NHN Cloud KakaoTalk Bizmessage result codes (send answers and result webhooks) onto the engine's
 * outcomes. The table is in docs/connectors/kakao.md; sources: DOMAIN.md §4, §7 and §12 (NHN error-code page).
 */
final class KakaoResultCodes
{
    /** What a code means for one recipient. */
    enum Verdict
    {
        /** Taken by the relay; a result webhook follows. */
        ACCEPTED,
        /** Delivered already (1000 in a send answer): accepted, then a DELIVERED receipt. */
        DELIVERED,
        /**
         * 3005: sent, but Kakao has not confirmed receipt (it may still arrive within 3 days). Accepted, no
         * receipt: the message stays PROVIDER_ACCEPTED until a later result or the lane's receipt timeout. Never
         * a fallback trigger, or the recipient may get both the AlimTalk and the SMS.
         */
        UNCONFIRMED,
        REJECTED,
        FAILED,
        THROTTLED
    }

    record Mapping(Verdict verdict, Reason reason)
    {
    }

    private static final Mapping ACCEPTED = new Mapping(Verdict.ACCEPTED, Reason.NONE);
    private static final Mapping DELIVERED = new Mapping(Verdict.DELIVERED, Reason.NONE);
    private static final Mapping UNCONFIRMED = new Mapping(Verdict.UNCONFIRMED, Reason.NONE);

    private KakaoResultCodes()
    {
    }

    static Mapping classify(final int code)
    {
        switch (code)
        {
            case 0:
                return ACCEPTED;
            case 1000:
                return DELIVERED;
            case 3005:
                return UNCONFIRMED;
            case -1005:  // same X-NC-API-IDEMPOTENCY-KEY within 10 min: an earlier attempt of ours got through
            case 4131:   // duplicate requestId: likewise
                return ACCEPTED;
            case 3008:
                return rejected(Reason.INVALID_RECIPIENT);
            case 3014:
            case 4144:
                return rejected(Reason.PAYLOAD_TOO_LARGE);
            case 3025:
            case 1028:
            case 3050:
                return rejected(Reason.CONTENT_REJECTED);
            case 3015:
            case 3016:
            case 4133:
            case 4134:
                return rejected(Reason.TEMPLATE_MISMATCH);
            case 3018:
            case 3019:
                return rejected(Reason.NOT_CHANNEL_USER);
            case 3020:
                return rejected(Reason.RECIPIENT_BLOCKED);
            case 3022:
                return rejected(Reason.OUTSIDE_SEND_WINDOW);
            case 4138:
            case 4156:
                // send-count caps: slow the lane, do not burn attempts
                return new Mapping(Verdict.THROTTLED, Reason.PROVIDER_THROTTLED);
            case 1003:
            case 1021:
            case 1022:
            case 1023:
            case 1024:
            case 1025:
            case 1027:
            case -1027:
                // the sender key or channel cannot send: an operator problem, not this message's
                return rejected(Reason.PROVIDER_AUTH_FAILED);
            case 9998:
            case 9999:
                return new Mapping(Verdict.FAILED, Reason.PROVIDER_UNAVAILABLE);
            default:
                return rejected(Reason.PROVIDER_ERROR);
        }
    }

    /**
     * @return the reason a result webhook's failure code carries in a FAILED receipt; codes without a
     *         specific reason become {@link Reason#UNDELIVERABLE}.
     */
    static Reason receiptReason(final int code)
    {
        final Mapping m = classify(code);
        return m.verdict == Verdict.REJECTED && m.reason != Reason.PROVIDER_ERROR ? m.reason : Reason.UNDELIVERABLE;
    }

    private static Mapping rejected(final Reason reason)
    {
        return new Mapping(Verdict.REJECTED, reason);
    }
}
