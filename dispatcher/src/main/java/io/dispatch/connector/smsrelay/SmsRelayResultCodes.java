package io.dispatch.connector.smsrelay;

import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.Reason;

/**
 * Maps NHN Cloud SMS codes onto the engine's outcomes: the API result codes of a send answer
 * ({@code header.resultCode}, {@code sendResultList[].resultCode}) and the carrier result codes of a result
 * webhook. The tables are in docs/connectors/sms-relay.md; source: NHN SMS "결과 코드" (error-code) page.
 */
final class SmsRelayResultCodes
{
    /** What a send answer's code means. */
    enum Verdict
    {
        ACCEPTED, REJECTED, FAILED,
        /** The attachment id the relay gave expired (-2004): upload again, then retry. */
        ATTACHMENT_EXPIRED
    }

    record Mapping(Verdict verdict, Reason reason)
    {
    }

    /** A result webhook's meaning; {@code state} null = not final yet (or a duplicate the relay blocked). */
    record Result(DeliveryState state, Reason reason)
    {
    }

    static final Mapping ACCEPTED = new Mapping(Verdict.ACCEPTED, Reason.NONE);
    static final Result PENDING = new Result(null, Reason.NONE);
    private static final Result DELIVERED = new Result(DeliveryState.DELIVERED, Reason.NONE);

    private SmsRelayResultCodes()
    {
    }

    static Mapping classify(final int code)
    {
        switch (code)
        {
            case 0:
                return ACCEPTED;
            case -1000: case -1001: case -1002: case -1003: case -1004: case -1007: case -1008:
            case -2312: case -2313: case -6000: case -6004:
                // app key, project, IP, sender number or 080 service: the operator's configuration, not this message
                return rejected(Reason.PROVIDER_AUTH_FAILED);
            case -2018: case -2019:
                return rejected(Reason.INVALID_RECIPIENT);
            case -2015:
                return rejected(Reason.PAYLOAD_TOO_LARGE);
            case -6001:
                return rejected(Reason.OPTED_OUT);
            case -6003:
                return rejected(Reason.AD_MARKING_MISSING);
            case -2004:
                return new Mapping(Verdict.ATTACHMENT_EXPIRED, Reason.PROVIDER_UNAVAILABLE);
            case -9999: case -2021: case -2009: case -2010:
                return new Mapping(Verdict.FAILED, Reason.PROVIDER_UNAVAILABLE);
            case -2001: case -2002: case -2003: case -2005: case -2006: case -2014: case -2016: case -2023: case -2024:
            case -8000: case -9995: case -9996: case -9997: case -9998:
                return rejected(Reason.CONTENT_REJECTED);
            default:
                return rejected(Reason.PROVIDER_ERROR);
        }
    }

    /**
     * @param code          the carrier result code ({@code "1000"}, {@code "3006"}, {@code "E915"}), or null.
     * @param messageStatus the webhook's {@code messageStatus}, or null.
     */
    static Result result(final String code, final String messageStatus)
    {
        if ("DUPLICATED".equals(messageStatus) || "E915".equals(code))
        {
            // the relay blocked a repeat of a message it already has: that one's own result counts
            return PENDING;
        }
        if ("FAILED_AD".equals(messageStatus) || "E919".equals(code))
        {
            return failed(Reason.OUTSIDE_SEND_WINDOW);
        }
        if (code == null || code.isEmpty() || "READY".equals(messageStatus) || "REQUESTED".equals(messageStatus)
            || "PROCESSING".equals(messageStatus) || "RESEND_AD".equals(messageStatus))
        {
            return PENDING;
        }
        switch (code)
        {
            case "1000":
                return DELIVERED;
            case "2000": case "1019":
                // the relay's own receipt timeout (SMS 25 h, LMS/MMS 80 h) or TTL: nobody knows whether it arrived
                return new Result(DeliveryState.EXPIRED, Reason.RECEIPT_TIMEOUT);
            case "1002": case "3001": case "3003":
                return failed(Reason.INVALID_RECIPIENT);
            case "3006":
                return failed(Reason.RECIPIENT_BLOCKED);
            case "3010":
                return failed(Reason.RECIPIENT_UNREACHABLE);
            case "3012": case "3013":
                return failed(Reason.CONTENT_REJECTED);
            case "1003": case "3017": case "3018": case "3019":
                return failed(Reason.PROVIDER_AUTH_FAILED);
            default:
                return failed(Reason.UNDELIVERABLE);
        }
    }

    private static Result failed(final Reason reason)
    {
        return new Result(DeliveryState.FAILED, reason);
    }

    private static Mapping rejected(final Reason reason)
    {
        return new Mapping(Verdict.REJECTED, reason);
    }
}
