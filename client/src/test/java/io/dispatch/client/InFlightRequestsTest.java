package io.dispatch.client;

import io.dispatch.protocol.ErrorCode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class InFlightRequestsTest
{
    private final DispatchException timeout =
        new DispatchException(DispatchException.Kind.TIMEOUT, ErrorCode.INTERNAL, "test");
    private final InFlightRequests inFlight = new InFlightRequests();

    @Test
    void shouldFailOnlyExpiredRequestsAndForgetThem()
    {
        final PingRequest early = request(1, 100);
        final PingRequest late = request(2, 200);

        inFlight.expire(150, timeout);

        assertThat(early.future).isCompletedExceptionally();
        assertThat(late.future).isNotDone();
        assertThat(inFlight.remove(1)).isNull();
        assertThat(inFlight.remove(2)).isSameAs(late);
    }

    @Test
    void shouldNotLetOneUnansweredRequestPinEveryAnsweredOne()
    {
        request(1, 1_000_000);
        for (long id = 2; id < 100_000; id++)
        {
            request(id, 1_000_000);
            inFlight.remove(id).tryFinish();
        }

        inFlight.expire(0, timeout);

        assertThat(inFlight.size()).isEqualTo(1);
        assertThat(inFlight.tracked()).isLessThanOrEqualTo(1 + 4096);
    }

    private PingRequest request(final long correlationId, final long deadlineNs)
    {
        final PingRequest request = new PingRequest();
        request.correlationId = correlationId;
        request.deadlineNs = deadlineNs;
        inFlight.add(request);
        return request;
    }
}
