package io.dispatch.connector.fcm;

import io.dispatch.connector.push.Verdict;
import io.dispatch.protocol.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

/** The table in docs/connectors/fcm.md, as data. */
class FcmResultsTest
{
    static String body(final String status, final String errorCode)
    {
        return "{\"error\":{\"code\":0,\"message\":\"m\",\"status\":\"" + status + "\",\"details\":[" +
            "{\"@type\":\"type.googleapis.com/google.firebase.fcm.v1.FcmError\",\"errorCode\":\"" + errorCode + "\"}]}}";
    }

    @ParameterizedTest
    @CsvSource({
        "404, NOT_FOUND, UNREGISTERED, REJECTED, UNREGISTERED",
        "403, PERMISSION_DENIED, SENDER_ID_MISMATCH, REJECTED, INVALID_RECIPIENT",
        "429, RESOURCE_EXHAUSTED, QUOTA_EXCEEDED, FAILED, PROVIDER_THROTTLED",
        "503, UNAVAILABLE, UNAVAILABLE, FAILED, PROVIDER_UNAVAILABLE",
        "500, INTERNAL, INTERNAL, FAILED, PROVIDER_UNAVAILABLE",
        "401, UNAUTHENTICATED, THIRD_PARTY_AUTH_ERROR, FAILED, PROVIDER_AUTH_FAILED",
        "400, INVALID_ARGUMENT, INVALID_ARGUMENT, REJECTED, CONTENT_REJECTED",
        "500, UNKNOWN, UNSPECIFIED_ERROR, FAILED, PROVIDER_UNAVAILABLE",
    })
    void shouldMapOnTheFcmErrorCode(
        final int status, final String grpc, final String code, final Verdict.Outcome outcome, final Reason reason)
    {
        final Verdict v = FcmResults.map(status, body(grpc, code), null, 0);
        assertThat(v.outcome()).isEqualTo(outcome);
        assertThat(v.reason()).isEqualTo(reason);
    }

    @ParameterizedTest
    @CsvSource({
        "401, FAILED, PROVIDER_AUTH_FAILED",
        "403, FAILED, PROVIDER_AUTH_FAILED",
        "404, REJECTED, UNREGISTERED",
        "429, FAILED, PROVIDER_THROTTLED",
        "502, FAILED, PROVIDER_UNAVAILABLE",
        "418, REJECTED, PROVIDER_ERROR",
    })
    void shouldMapOnTheStatusWhenTheBodyIsNotFcmJson(final int status, final Verdict.Outcome outcome, final Reason reason)
    {
        final Verdict v = FcmResults.map(status, "<html>proxy error</html>", null, 0);
        assertThat(v.outcome()).isEqualTo(outcome);
        assertThat(v.reason()).isEqualTo(reason);
    }

    @Test
    void shouldTellTheTokenFromTheContentInInvalidArgument()
    {
        final String tokenViolation = "{\"error\":{\"code\":400,\"status\":\"INVALID_ARGUMENT\",\"details\":[" +
            "{\"@type\":\"type.googleapis.com/google.rpc.BadRequest\",\"fieldViolations\":[{\"field\":\"message.token\"}]}]}}";
        assertThat(FcmResults.map(400, tokenViolation, null, 0)).isEqualTo(Verdict.reject(Reason.INVALID_RECIPIENT));
        final String byMessage = "{\"error\":{\"code\":400,\"message\":\"The registration token is not a valid FCM registration token\"," +
            "\"status\":\"INVALID_ARGUMENT\"}}";
        assertThat(FcmResults.map(400, byMessage, null, 0)).isEqualTo(Verdict.reject(Reason.INVALID_RECIPIENT));
    }

    @Test
    void shouldReadRetryAfterInSecondsOrAsADate()
    {
        assertThat(FcmResults.retryAfterMs("30", 0)).isEqualTo(30_000);
        assertThat(FcmResults.retryAfterMs("Thu, 01 Jan 1970 00:01:00 GMT", 20_000)).isEqualTo(40_000);
        assertThat(FcmResults.retryAfterMs("soon", 0)).isZero();
        assertThat(FcmResults.map(429, body("RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED"), "12", 0).retryAfterMs()).isEqualTo(12_000);
    }

    @Test
    void shouldRefreshOnlyForOurOwnToken()
    {
        assertThat(FcmResults.accessTokenRefused(401, body("UNAUTHENTICATED", "UNSPECIFIED_ERROR"))).isTrue();
        assertThat(FcmResults.accessTokenRefused(401, "{}")).isTrue();
        assertThat(FcmResults.accessTokenRefused(401, body("UNAUTHENTICATED", "THIRD_PARTY_AUTH_ERROR"))).isFalse();
        assertThat(FcmResults.accessTokenRefused(403, "{}")).isFalse();
    }

    @Test
    void shouldFailTransientlyWithoutAnAnswer()
    {
        assertThat(FcmResults.failure(new CompletionException(new java.util.concurrent.TimeoutException("t"))))
            .isEqualTo(Verdict.fail(Reason.PROVIDER_TIMEOUT, 0));
        assertThat(FcmResults.failure(new CompletionException(new java.io.IOException("reset"))))
            .isEqualTo(Verdict.fail(Reason.PROVIDER_UNAVAILABLE, 0));
        assertThat(FcmResults.failure(new AccessTokens.TokenException(Reason.PROVIDER_AUTH_FAILED, "x")))
            .isEqualTo(Verdict.fail(Reason.PROVIDER_AUTH_FAILED, 0));
    }
}
