package io.dispatch.journal;

import io.dispatch.config.TenantConfig;
import io.dispatch.ingest.TenantRegistry;
import io.dispatch.policy.DedupIndex;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import io.dispatch.status.StatusTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A journaled fallback moves a pending message to the new channel's lane, with a fresh attempt budget. */
class RecoveryFallbackTest
{
    @TempDir
    Path dir;

    @Test
    void shouldRedispatchAFallenBackMessageOnTheNewChannelOnly()
    {
        final List<String> pending = new ArrayList<>();
        try (Journal journal = new Journal(dir, "FAST_DAILY"))
        {
            final JournalWriter w = journal.newWriter(false);
            final byte[] tenant = "demo".getBytes(StandardCharsets.UTF_8);
            final long moved = w.appendAccepted(MessageKind.INFORMATIONAL.code(), ChannelType.CHAT.code(), tenant, 60,
                1_000, 0, new byte[0], 0);
            final long stayed = w.appendAccepted(MessageKind.MARKETING.code(), ChannelType.CHAT.code(), tenant, 60,
                1_000, 0, new byte[0], 0);
            final byte[] states = new byte[4 * StateRecords.LENGTH];
            StateRecords.put(states, 0, moved, 1_001, DeliveryState.DISPATCHED.code(), (byte)2, ChannelType.CHAT.code(),
                (short)0);
            StateRecords.put(states, StateRecords.LENGTH, moved, 1_002, DeliveryState.RETRYING.code(), (byte)0,
                ChannelType.SMS.code(), (short)Reason.NOT_CHANNEL_USER.code());
            StateRecords.put(states, 2 * StateRecords.LENGTH, stayed, 1_003, DeliveryState.RETRYING.code(), (byte)3,
                ChannelType.CHAT.code(), (short)Reason.PROVIDER_UNAVAILABLE.code());
            StateRecords.put(states, 3 * StateRecords.LENGTH, moved, 1_004, DeliveryState.DISPATCHED.code(), (byte)1,
                ChannelType.SMS.code(), (short)0);
            w.appendStates(states, 4);
            w.close();

            new Recovery(new DedupIndex(3_600_000), new StatusTable(1024),
                new TenantRegistry(List.of(new TenantConfig(1, "demo", "k"))), 2_000, 3_600_000)
                .run(journal, new Recovery.Sink()
                {
                    @Override
                    public void pending(final long messageId, final byte channel, final byte kind, final int attempts)
                    {
                        pending.add((messageId == moved ? "moved" : "stayed") + " " + ChannelType.of(channel) + " " + attempts);
                    }

                    @Override
                    public void awaitingReceipt(final long messageId, final byte channel)
                    {
                    }
                });
        }
        assertThat(pending).containsExactly("moved SMS 1", "stayed CHAT 3");
    }
}
