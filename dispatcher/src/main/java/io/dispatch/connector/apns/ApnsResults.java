package io.dispatch.connector.apns;

import io.dispatch.connector.push.Verdict;
import io.dispatch.protocol.Reason;

import java.util.concurrent.TimeoutException;

/**
 * APNs answers mapped onto engine outcomes (the table in docs/connectors/apns.md; reasons from Apple's
 * "Handling notification responses from APNs"). Stateless.
 */
final class ApnsResults
{
    private ApnsResults()
    {
    }

    /**
     * @param status HTTP status of the APNs answer.
     * @param reason the {@code reason} of a rejection, or null.
     */
    static Verdict map(final int status, final String reason)
    {
        if (status == 200)
        {
            return Verdict.ACCEPT;
        }
        final String r = reason == null ? "" : reason;
        switch (status)
        {
            case 410:
                return Verdict.reject(Reason.UNREGISTERED);
            case 413:
                return Verdict.reject(Reason.PAYLOAD_TOO_LARGE);
            case 429:
                // TooManyRequests (one device) or TooManyProviderTokenUpdates: slow down, do not spend attempts
                return Verdict.fail(Reason.PROVIDER_THROTTLED, 0);
            case 403:
                // our credentials (provider token, certificate): a lane problem, not the message's fault;
                // failed so the message is retried once the key is fixed or the token re-signed
                return Verdict.fail(Reason.PROVIDER_AUTH_FAILED, 0);
            case 400:
                return badRequest(r);
            default:
                if (status >= 500)
                {
                    return Verdict.fail(Reason.PROVIDER_UNAVAILABLE, 0);
                }
                // 404 BadPath, 405 MethodNotAllowed and anything unknown: resending the same request won't help
                return Verdict.reject(Reason.PROVIDER_ERROR);
        }
    }

    private static Verdict badRequest(final String reason)
    {
        switch (reason)
        {
            case "BadDeviceToken":
            case "DeviceTokenNotForTopic":
            case "MissingDeviceToken":
                return Verdict.reject(Reason.INVALID_RECIPIENT);
            case "IdleTimeout":
                return Verdict.fail(Reason.PROVIDER_UNAVAILABLE, 0);
            default:
                // BadCollapseId, BadExpirationDate, BadMessageId, BadPriority, BadTopic, DuplicateHeaders,
                // InvalidPushType, MissingTopic, PayloadEmpty, TopicDisallowed, ...
                return Verdict.reject(Reason.CONTENT_REJECTED);
        }
    }

    /** A send that got no answer: timed out, connection lost, or the client could not connect. */
    static Verdict failure(final Throwable cause)
    {
        Throwable t = cause;
        while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null)
        {
            t = t.getCause();
        }
        return Verdict.fail(t instanceof TimeoutException ? Reason.PROVIDER_TIMEOUT : Reason.PROVIDER_UNAVAILABLE, 0);
    }
}
