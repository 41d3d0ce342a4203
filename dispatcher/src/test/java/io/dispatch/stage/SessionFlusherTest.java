package io.dispatch.stage;

import io.dispatch.config.DispatcherConfig;
import io.dispatch.config.Settings;
import io.dispatch.config.TemplateRegistry;
import io.dispatch.ingest.IngestContext;
import io.dispatch.ingest.IngestSession;
import io.dispatch.ingest.SessionRegistry;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.ring.RingPorts;
import io.dispatch.status.Counters;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The flusher hands each session written to during a ring batch to its event loop once, at the end of the batch.
 * The sessions are real but not connected: a session's {@code markTouched} tells whether it is in the batch's list.
 */
class SessionFlusherTest
{
    private final StageEvents events = new StageEvents();
    private final IngestContext context = new IngestContext(DispatcherConfig.from(new Settings(new Properties())),
        events.ring, new RingPorts(64, 50), events.admissions, events.tenants, new TemplateRegistry(Map.of()),
        new SessionRegistry(), new Counters(), () -> StageEvents.NOW, null);
    private final SessionFlusher stage = new SessionFlusher();

    @Test
    void shouldFlushEachTouchedSessionOnceAtTheEndOfTheBatch()
    {
        final IngestSession a = new IngestSession(context);
        final IngestSession b = new IngestSession(context);
        final DispatchEvent e = events.inbound("mid-1");

        stage.touch(a);
        stage.touch(a);
        stage.touch(b);
        stage.onEvent(e, 0, false);

        assertThat(a.markTouched()).as("still in the batch's list, once").isFalse();
        assertThat(b.markTouched()).isFalse();

        stage.onEvent(e, 1, true);

        assertThat(a.markTouched()).as("flushed: a later batch lists it again").isTrue();
        assertThat(b.markTouched()).isTrue();
    }

    @Test
    void shouldNotFlushABatchThatTouchedNobody()
    {
        final IngestSession a = new IngestSession(context);
        final DispatchEvent e = events.inbound("mid-1");
        stage.onEvent(e, 0, true);
        stage.touch(a);

        stage.onEvent(e, 1, false);

        assertThat(a.markTouched()).as("touched after the last batch ended, flushed at the next end").isFalse();
    }
}
