package io.dispatch.stage;

import io.dispatch.config.TenantConfig;
import io.dispatch.config.TenantRegistry;
import io.dispatch.journal.AcceptedRecord;
import io.dispatch.journal.Journal;
import io.dispatch.journal.JournalReader;
import io.dispatch.policy.DedupIndex;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.SubmitEncoder;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.status.Counters;
import io.dispatch.status.DistinctErrorLog;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The journal stage reads a SUBMIT's TTL from the slot's body (SubmitDescriptor.TTL_OFFSET): the deadline and the
 * journaled TTL count it from acceptance, the send-at delay included, and 0 means the engine's default.
 */
class JournalHandlerTtlTest
{
    private static final long NOW = 1_800_000_000_000L;
    private static final int DEFAULT_TTL = 60;

    @TempDir
    Path dir;

    private final TenantRegistry tenants = new TenantRegistry(List.of(new TenantConfig(1, "acme", "k")));

    @Test
    void shouldTakeTheDeadlineFromTheBodysTtl()
    {
        try (Journal journal = new Journal(dir, "FAST_DAILY"))
        {
            final JournalHandler stage = new JournalHandler(journal, false, new DedupIndex(60_000), tenants,
                new Counters(), new DistinctErrorLog(new Counters()), DEFAULT_TTL, null, null);
            stage.onStart();
            final DispatchEvent own = journaled(stage, 90, 0);
            final DispatchEvent byDefault = journaled(stage, 0, 0);
            final DispatchEvent later = journaled(stage, 90, NOW + 10_500);
            stage.onShutdown();

            assertThat(own.deadlineMs).isEqualTo(NOW + 90_000);
            assertThat(byDefault.deadlineMs).isEqualTo(NOW + DEFAULT_TTL * 1000L);
            assertThat(later.deadlineMs).as("the TTL counts from the send-at, rounded up to seconds")
                .isEqualTo(NOW + 101_000);

            final AcceptedRecord r = new AcceptedRecord();
            try (JournalReader reader = journal.newReader())
            {
                assertThat(reader.readAccepted(own.messageId, r)).isTrue();
                assertThat(r.ttlSeconds).isEqualTo(90);
                assertThat(reader.readAccepted(later.messageId, r)).isTrue();
                assertThat(r.ttlSeconds).isEqualTo(101);
            }
        }
    }

    /** Each event has its own body array, as slots do: the stage must read the array of the slot in hand. */
    private static DispatchEvent journaled(final JournalHandler stage, final int ttlSeconds, final long sendAtMs)
    {
        final ExpandableArrayBuffer b = new ExpandableArrayBuffer();
        final int n = SubmitEncoder.encode(b, 0, MessageKind.INFORMATIONAL, ChannelType.SMS, ttlSeconds, "",
            "01012345678", null, "hi", null);
        final DispatchEvent e = new DispatchEvent();
        e.type = DispatchEvent.SUBMIT;
        e.outcome = DispatchEvent.OUTCOME_ACCEPTED;
        e.tenantId = 1;
        e.kind = MessageKind.INFORMATIONAL.code();
        e.channel = ChannelType.SMS.code();
        e.acceptedAtMs = NOW;
        e.sendAtMs = sendAtMs;
        b.getBytes(0, e.ensureBodyCapacity(n), 0, n);
        e.bodyLength = n;
        stage.onEvent(e, 0, true);
        assertThat(e.messageId).as("journaled").isPositive();
        return e;
    }
}
