package io.dispatch.stage;

import io.dispatch.ring.DispatchEvent;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The flusher hands each answer target written to during a ring batch to its connection once, at the batch's end. */
class SessionFlusherTest
{
    private final StageEvents events = new StageEvents();
    private final SessionFlusher stage = new SessionFlusher();

    @Test
    void shouldFlushEachTouchedSessionOnceAtTheEndOfTheBatch()
    {
        final CapturingAnswerSink a = new CapturingAnswerSink(StageEvents.TENANT);
        final CapturingAnswerSink b = new CapturingAnswerSink(StageEvents.TENANT);
        final DispatchEvent e = events.inbound("mid-1");

        stage.touch(a);
        stage.touch(a);
        stage.touch(b);
        stage.onEvent(e, 0, false);
        assertThat(a.flushes).as("not before the batch ends").isZero();

        stage.onEvent(e, 1, true);

        assertThat(a.flushes).as("once, however often it was written to").isEqualTo(1);
        assertThat(b.flushes).isEqualTo(1);
        assertThat(a.markTouched()).as("a later batch lists it again").isTrue();
    }

    @Test
    void shouldFlushNothingForABatchThatTouchedNobody()
    {
        final CapturingAnswerSink a = new CapturingAnswerSink(StageEvents.TENANT);
        final DispatchEvent e = events.inbound("mid-1");
        stage.onEvent(e, 0, true);
        stage.touch(a);
        stage.onEvent(e, 1, false);

        assertThat(a.flushes).as("touched after the last batch ended: flushed at the next end").isZero();

        stage.onEvent(e, 2, true);
        assertThat(a.flushes).isEqualTo(1);
    }
}
