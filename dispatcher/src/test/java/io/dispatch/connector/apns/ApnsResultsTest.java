package io.dispatch.connector.apns;

import io.dispatch.connector.push.Verdict;
import io.dispatch.protocol.Reason;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/** The table in docs/connectors/apns.md, as data. */
class ApnsResultsTest
{
    @ParameterizedTest
    @CsvSource({
        "200, , ACCEPTED, NONE",
        "400, BadDeviceToken, REJECTED, INVALID_RECIPIENT",
        "400, DeviceTokenNotForTopic, REJECTED, INVALID_RECIPIENT",
        "400, BadCollapseId, REJECTED, CONTENT_REJECTED",
        "400, TopicDisallowed, REJECTED, CONTENT_REJECTED",
        "400, IdleTimeout, FAILED, PROVIDER_UNAVAILABLE",
        "403, ExpiredProviderToken, FAILED, PROVIDER_AUTH_FAILED",
        "403, InvalidProviderToken, FAILED, PROVIDER_AUTH_FAILED",
        "404, BadPath, REJECTED, PROVIDER_ERROR",
        "405, MethodNotAllowed, REJECTED, PROVIDER_ERROR",
        "410, Unregistered, REJECTED, UNREGISTERED",
        "413, PayloadTooLarge, REJECTED, PAYLOAD_TOO_LARGE",
        "429, TooManyRequests, FAILED, PROVIDER_THROTTLED",
        "429, TooManyProviderTokenUpdates, FAILED, PROVIDER_THROTTLED",
        "500, InternalServerError, FAILED, PROVIDER_UNAVAILABLE",
        "503, ServiceUnavailable, FAILED, PROVIDER_UNAVAILABLE",
        "503, Shutdown, FAILED, PROVIDER_UNAVAILABLE",
    })
    void shouldMapStatusAndReason(final int status, final String reason, final Verdict.Outcome outcome, final Reason expected)
    {
        final Verdict verdict = ApnsResults.map(status, reason);
        assertThat(verdict.outcome()).isEqualTo(outcome);
        assertThat(verdict.reason()).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"0", "1", "4294967296", "9223372036854775807", "4611686018427387904", "-4611686018427387904"})
    void shouldCarryTheMessageIdInTheApnsId(final long messageId)
    {
        final UUID apnsId = ApnsIds.toApnsId(messageId);
        assertThat(apnsId.version()).isEqualTo(4);
        assertThat(apnsId.variant()).isEqualTo(2);
        assertThat(ApnsIds.toMessageId(UUID.fromString(apnsId.toString()))).isEqualTo(messageId);
        assertThat(ApnsIds.toMessageId(UUID.randomUUID())).isEqualTo(-1);
    }

    @ParameterizedTest
    @CsvSource({"true, PROVIDER_TIMEOUT", "false, PROVIDER_UNAVAILABLE"})
    void shouldFailTransientlyWithoutAnAnswer(final boolean timeout, final Reason expected)
    {
        final Throwable cause = timeout ? new TimeoutException() : new java.io.IOException("reset");
        assertThat(ApnsResults.failure(new CompletionException(cause)))
            .isEqualTo(Verdict.fail(expected, 0));
    }
}
