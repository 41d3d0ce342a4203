package io.dispatch.ingest;

import io.dispatch.netty.ByteBufFrames;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.MessageKind;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.ring.SlotSentinels;
import io.dispatch.testing.RawConnection;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client's requests are published into slots that last carried some other event (see
 * {@code io.dispatch.ring.TranslatorResetTest}): the session's SUBMIT and STATUS leave no field as the slot had it.
 */
class RequestSlotsTest
{
    private final EmbeddedSession s = new EmbeddedSession(4, 100);

    @Test
    void shouldFillASubmitAndAStatusRequestFromScratch()
    {
        for (int i = 0; i < s.ring.getBufferSize(); i++)
        {
            SlotSentinels.dirty(s.ring.get(i));
        }
        s.hello();

        s.send(out -> RawConnection.submitFrame(out, 10, MessageKind.INFORMATIONAL, ChannelType.SMS, "key-1",
            "01012345678", null, "hello", null));
        s.send(out -> ByteBufFrames.status(out, 11, 1));

        final DispatchEvent submit = s.ring.get(0);
        assertThat(submit.type).isEqualTo(DispatchEvent.SUBMIT);
        assertThat(submit.correlationId).isEqualTo(10);
        assertThat(SlotSentinels.stale(submit)).isEmpty();
        final DispatchEvent status = s.ring.get(1);
        assertThat(status.type).isEqualTo(DispatchEvent.STATUS_QUERY);
        assertThat(status.messageId).isEqualTo(1);
        assertThat(SlotSentinels.stale(status)).isEmpty();
    }
}
