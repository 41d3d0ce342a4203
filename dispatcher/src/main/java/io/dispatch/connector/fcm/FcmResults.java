package io.dispatch.connector.fcm;

import io.dispatch.connector.http.RetryAfter;
import io.dispatch.connector.push.Verdict;
import io.dispatch.json.Json;
import io.dispatch.protocol.Reason;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * FCM answers mapped onto engine outcomes (the table in docs/connectors/fcm.md). Maps on the FcmError
 * {@code errorCode} in the error details first and on the HTTP status when there is none, as Google
 * advises. Stateless.
 */
final class FcmResults
{
    private static final String FCM_ERROR = "type.googleapis.com/google.firebase.fcm.v1.FcmError";
    private static final String BAD_REQUEST = "type.googleapis.com/google.rpc.BadRequest";

    private FcmResults()
    {
    }

    /**
     * @param retryAfter the Retry-After header (seconds or an HTTP date), or null.
     */
    static Verdict map(final int status, final String body, final String retryAfter, final long nowMs)
    {
        if (status == 200)
        {
            return Verdict.ACCEPT;
        }
        final Map<String, Object> error = error(body);
        final String code = errorCode(error);
        final long retryAfterMs = retryAfterMs(retryAfter, nowMs);
        switch (code != null ? code : "")
        {
            case "UNREGISTERED":
                return Verdict.reject(Reason.UNREGISTERED);
            case "SENDER_ID_MISMATCH":
                return Verdict.reject(Reason.INVALID_RECIPIENT); // the token belongs to another project
            case "QUOTA_EXCEEDED":
                return Verdict.fail(Reason.PROVIDER_THROTTLED, retryAfterMs);
            case "UNAVAILABLE":
            case "INTERNAL":
                return Verdict.fail(Reason.PROVIDER_UNAVAILABLE, retryAfterMs);
            case "THIRD_PARTY_AUTH_ERROR":
                return Verdict.fail(Reason.PROVIDER_AUTH_FAILED, 0); // the APNs key stored in Firebase is wrong
            case "INVALID_ARGUMENT":
                return invalidArgument(error);
            default:
                return byStatus(status, error, retryAfterMs);
        }
    }

    private static Verdict byStatus(final int status, final Map<String, Object> error, final long retryAfterMs)
    {
        switch (status)
        {
            case 400:
                return invalidArgument(error);
            case 401:
            case 403:
                // our access token or the service account's permissions: a lane problem, retried once fixed
                return Verdict.fail(Reason.PROVIDER_AUTH_FAILED, 0);
            case 404:
                return Verdict.reject(Reason.UNREGISTERED);
            case 429:
                return Verdict.fail(Reason.PROVIDER_THROTTLED, retryAfterMs);
            default:
                return status >= 500 ? Verdict.fail(Reason.PROVIDER_UNAVAILABLE, retryAfterMs) : Verdict.reject(Reason.PROVIDER_ERROR);
        }
    }

    /** 400: the token when a field violation names it, otherwise the content. */
    private static Verdict invalidArgument(final Map<String, Object> error)
    {
        for (final Map<String, Object> detail : details(error))
        {
            if (BAD_REQUEST.equals(Json.string(detail, "@type")) && detail.get("fieldViolations") instanceof List<?> violations)
            {
                for (final Object v : violations)
                {
                    if (v instanceof Map<?, ?> m && "message.token".equals(m.get("field")))
                    {
                        return Verdict.reject(Reason.INVALID_RECIPIENT);
                    }
                }
            }
        }
        final String message = Json.string(error, "message");
        if (message != null && message.toLowerCase(java.util.Locale.ROOT).contains("registration token"))
        {
            return Verdict.reject(Reason.INVALID_RECIPIENT);
        }
        return Verdict.reject(Reason.CONTENT_REJECTED);
    }

    /** True when a 401 means our access token was refused (refresh and resend once), not a Firebase-side key. */
    static boolean accessTokenRefused(final int status, final String body)
    {
        return status == 401 && !"THIRD_PARTY_AUTH_ERROR".equals(errorCode(error(body)));
    }

    /** A send that got no answer, or whose access token could not be had. */
    static Verdict failure(final Throwable cause)
    {
        Throwable t = cause;
        while (t instanceof CompletionException && t.getCause() != null)
        {
            t = t.getCause();
        }
        if (t instanceof AccessTokens.TokenException te)
        {
            return Verdict.fail(te.reason, 0);
        }
        return Verdict.fail(t instanceof TimeoutException ? Reason.PROVIDER_TIMEOUT : Reason.PROVIDER_UNAVAILABLE, 0);
    }

    static long retryAfterMs(final String value, final long nowMs)
    {
        return RetryAfter.toMs(value, nowMs);
    }

    private static Map<String, Object> error(final String body)
    {
        try
        {
            return Json.object(Json.parseObject(body), "error");
        }
        catch (final RuntimeException notJson)
        {
            return Map.of(); // a proxy's HTML page: map on the status alone
        }
    }

    private static String errorCode(final Map<String, Object> error)
    {
        for (final Map<String, Object> detail : details(error))
        {
            if (FCM_ERROR.equals(Json.string(detail, "@type")))
            {
                return Json.string(detail, "errorCode");
            }
        }
        // without an FcmError detail the canonical status still says enough
        final String status = Json.string(error, "status");
        if ("RESOURCE_EXHAUSTED".equals(status))
        {
            return "QUOTA_EXCEEDED";
        }
        return "NOT_FOUND".equals(status) ? null : status;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> details(final Map<String, Object> error)
    {
        if (error.get("details") instanceof List<?> list)
        {
            return (List<Map<String, Object>>)(List<?>)list.stream().filter(d -> d instanceof Map).toList();
        }
        return List.of();
    }
}
