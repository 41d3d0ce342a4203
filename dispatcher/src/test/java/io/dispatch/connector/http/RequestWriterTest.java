package io.dispatch.connector.http;

import io.dispatch.connector.CapturingLane;
import io.dispatch.connector.ConnectorCounters;
import io.dispatch.connector.DeliveryCallback;
import io.dispatch.connector.DeliveryRequest;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RequestWriterTest
{
    /** Every outcome the helper reports, as "rejected REASON" (it never accepts or fails a send). */
    private final List<String> outcomes = new ArrayList<>();
    private final DeliveryCallback lane = new DeliveryCallback()
    {
        @Override
        public void onAccepted(final DeliveryRequest request)
        {
            outcomes.add("accepted");
        }

        @Override
        public void onRejected(final DeliveryRequest request, final Reason reason)
        {
            outcomes.add("rejected " + reason);
        }

        @Override
        public void onFailed(final DeliveryRequest request, final Reason reason, final long retryAfterMs)
        {
            outcomes.add("failed " + reason);
        }
    };
    private final ConnectorCounters counters = new ConnectorCounters();
    private final DeliveryRequest request = CapturingLane.request(7, MessageKind.INFORMATIONAL, "user-1", null, "hi", Map.of());

    /** A writer that builds, refuses with {@code refusal}, or throws as rendering a missing template would. */
    private static RequestWriter writer(final boolean builds, final Reason refusal, final boolean throwsOnRender)
    {
        return new RequestWriter()
        {
            @Override
            public boolean write(final DeliveryRequest request)
            {
                if (throwsOnRender)
                {
                    throw new IllegalStateException("no template 'gone' in this configuration");
                }
                return builds;
            }

            @Override
            public Reason refusal()
            {
                return refusal;
            }
        };
    }

    @Test
    void aWrittenBodyLetsTheSendGoOnWithoutSettlingIt()
    {
        assertThat(RequestWriter.writeOrReject(writer(true, null, false), request, lane, counters)).isTrue();
        assertThat(outcomes).isEmpty();
        assertThat(counters.rejectedCount(Reason.CONTENT_REJECTED)).isZero();
    }

    @Test
    void aRefusedRequestIsRejectedWithTheWritersReason()
    {
        assertThat(RequestWriter.writeOrReject(writer(false, Reason.INVALID_RECIPIENT, false), request, lane, counters))
            .isFalse();
        assertThat(outcomes).containsExactly("rejected INVALID_RECIPIENT");
        assertThat(counters.rejectedCount(Reason.INVALID_RECIPIENT)).isEqualTo(1);
    }

    @Test
    void anUnrenderableRequestIsRejectedAsContentRejected()
    {
        assertThat(RequestWriter.writeOrReject(writer(false, null, true), request, lane, counters)).isFalse();
        assertThat(outcomes).containsExactly("rejected CONTENT_REJECTED");
        assertThat(counters.rejectedCount(Reason.CONTENT_REJECTED)).isEqualTo(1);
    }
}
