package io.dispatch.connector.http;

import io.dispatch.protocol.Reason;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class HttpAnswersTest
{
    private static final long NOW_MS = 1_700_000_000_000L;

    /** Records the one settlement, as "failed REASON retryAfterMs" or "rejected REASON". */
    private static final class Recorded implements HttpAnswers.Settle
    {
        String outcome;

        @Override
        public void failed(final Reason reason, final long retryAfterMs)
        {
            assertThat(outcome).as("settled once").isNull();
            outcome = "failed " + reason + " " + retryAfterMs;
        }

        @Override
        public void rejected(final Reason reason)
        {
            assertThat(outcome).as("settled once").isNull();
            outcome = "rejected " + reason;
        }
    }

    private static String settle(final int status, final HttpHeaders headers)
    {
        final Recorded recorded = new Recorded();
        final boolean settled = HttpAnswers.settleByStatus(status, headers, () -> NOW_MS, recorded);
        assertThat(settled).as("settled flag for %d", status).isEqualTo(recorded.outcome != null);
        return recorded.outcome;
    }

    @Test
    void throttledAndUnavailableHonourRetryAfter()
    {
        final HttpHeaders headers = new DefaultHttpHeaders().set(HttpHeaderNames.RETRY_AFTER, "7");
        assertThat(settle(429, headers)).isEqualTo("failed PROVIDER_THROTTLED 7000");
        assertThat(settle(503, headers)).isEqualTo("failed PROVIDER_UNAVAILABLE 7000");
        assertThat(settle(429, new DefaultHttpHeaders())).isEqualTo("failed PROVIDER_THROTTLED 0");
    }

    @Test
    void otherServerErrorsRetryAtOnceEvenWithRetryAfter()
    {
        final HttpHeaders headers = new DefaultHttpHeaders().set(HttpHeaderNames.RETRY_AFTER, "7");
        assertThat(settle(500, headers)).isEqualTo("failed PROVIDER_UNAVAILABLE 0");
        assertThat(settle(502, headers)).isEqualTo("failed PROVIDER_UNAVAILABLE 0");
        assertThat(settle(504, headers)).isEqualTo("failed PROVIDER_UNAVAILABLE 0");
    }

    @Test
    void wrongCredentialsAreRejected()
    {
        assertThat(settle(401, new DefaultHttpHeaders())).isEqualTo("rejected PROVIDER_AUTH_FAILED");
        assertThat(settle(403, new DefaultHttpHeaders())).isEqualTo("rejected PROVIDER_AUTH_FAILED");
    }

    @Test
    void theBodyDecidesEverythingElse()
    {
        for (final int status : new int[]{200, 201, 204, 299, 300, 400, 404, 408, 409, 413, 422})
        {
            assertThat(settle(status, new DefaultHttpHeaders())).as("status %d", status).isNull();
        }
    }

    @Test
    void anUnansweredRequestIsRetriedOnlyWhenItNeverReachedAConnection()
    {
        final AtomicLong uncertain = new AtomicLong();
        final Recorded neverWritten = new Recorded();
        HttpAnswers.settleUnansweredWithoutResend(false, false, uncertain, neverWritten);
        assertThat(neverWritten.outcome).isEqualTo("failed PROVIDER_UNAVAILABLE 0");
        final Recorded waitedTooLong = new Recorded();
        HttpAnswers.settleUnansweredWithoutResend(true, false, uncertain, waitedTooLong);
        assertThat(waitedTooLong.outcome).isEqualTo("failed PROVIDER_TIMEOUT 0");
        assertThat(uncertain.get()).isZero();

        final Recorded written = new Recorded();
        HttpAnswers.settleUnansweredWithoutResend(true, true, uncertain, written);
        assertThat(written.outcome).isEqualTo("rejected PROVIDER_TIMEOUT");
        final Recorded lostAfterWriting = new Recorded();
        HttpAnswers.settleUnansweredWithoutResend(false, true, uncertain, lostAfterWriting);
        assertThat(lostAfterWriting.outcome).isEqualTo("rejected PROVIDER_TIMEOUT");
        assertThat(uncertain.get()).isEqualTo(2);
    }

    @Test
    void successIsExactly2xx()
    {
        assertThat(HttpAnswers.isSuccess(200)).isTrue();
        assertThat(HttpAnswers.isSuccess(299)).isTrue();
        assertThat(HttpAnswers.isSuccess(199)).isFalse();
        assertThat(HttpAnswers.isSuccess(300)).isFalse();
    }
}
