package io.dispatch.connector.http;

import io.dispatch.protocol.Reason;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import org.agrona.concurrent.EpochClock;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What an HTTP status alone says about a send, shared by the Kakao, SMS relay, TalkTalk and webhook connectors:
 * each keeps only its own reading of the body and of an unreadable 2xx explicit. Also how the chat APIs without an
 * idempotency key (TalkTalk, Messenger) settle a send that got no answer.
 */
public final class HttpAnswers
{
    /** Where an answer settles a send; the connector's per-send listener implements it, so settling allocates nothing. */
    public interface Settle
    {
        /** Transient: the runtime retries, no sooner than {@code retryAfterMs} when that is positive. */
        void failed(Reason reason, long retryAfterMs);

        /** Final: never resent. */
        void rejected(Reason reason);
    }

    private HttpAnswers()
    {
    }

    /**
     * Settles a send the status alone decides: 429 → PROVIDER_THROTTLED and 503 → PROVIDER_UNAVAILABLE, both retried
     * after the Retry-After hint; any other 5xx → PROVIDER_UNAVAILABLE, retried at once; 401/403 →
     * PROVIDER_AUTH_FAILED, rejected (a wrong key does not heal by resending).
     *
     * @return true when the send was settled; false when the body decides.
     */
    public static boolean settleByStatus(
        final int status, final HttpHeaders headers, final EpochClock clock, final Settle settle)
    {
        if (status == 429 || status == 503)
        {
            final long retryAfterMs = RetryAfter.toMs(headers.get(HttpHeaderNames.RETRY_AFTER), clock.time());
            settle.failed(status == 429 ? Reason.PROVIDER_THROTTLED : Reason.PROVIDER_UNAVAILABLE, retryAfterMs);
            return true;
        }
        if (status >= 500)
        {
            settle.failed(Reason.PROVIDER_UNAVAILABLE, 0);
            return true;
        }
        if (status == 401 || status == 403)
        {
            settle.rejected(Reason.PROVIDER_AUTH_FAILED);
            return true;
        }
        return false;
    }

    /**
     * Settles a send that got no answer, for an API without an idempotency key: a request never handed to a connection
     * was not seen and is retried (PROVIDER_TIMEOUT when the timeout expired while it waited for a connection, else
     * PROVIDER_UNAVAILABLE); one that was written may have been acted on, so it is counted in {@code uncertain} and
     * rejected as PROVIDER_TIMEOUT, never resent by the runtime.
     */
    public static void settleUnansweredWithoutResend(
        final boolean timedOut, final boolean written, final AtomicLong uncertain, final Settle settle)
    {
        if (!written)
        {
            settle.failed(timedOut ? Reason.PROVIDER_TIMEOUT : Reason.PROVIDER_UNAVAILABLE, 0);
            return;
        }
        uncertain.incrementAndGet();
        settle.rejected(Reason.PROVIDER_TIMEOUT);
    }

    /** @return true for a 2xx status: the server says it took the request, whatever its body says. */
    public static boolean isSuccess(final int status)
    {
        return status >= 200 && status < 300;
    }
}
