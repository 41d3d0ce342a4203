package io.dispatch.journal;

import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.Decision;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Messages awaiting a receipt are handed back with the time of their last PROVIDER_ACCEPTED record, oldest first,
 * so the lane keeps their original receipt deadline across a restart.
 */
class RecoveryReceiptDeadlineTest
{
    private static final byte[] BODY = RecoveryFixture.submitBody(ChannelType.SMS);


    @TempDir
    Path dir;

    @Test
    void shouldHandBackReceiptWaitsWithTheirProviderAcceptanceTimeInThatOrder()
    {
        final List<String> awaiting = new ArrayList<>();
        try (Journal journal = new Journal(dir, "FAST_DAILY"))
        {
            final JournalWriter w = journal.newWriter(false);
            final byte[] tenant = "demo".getBytes(StandardCharsets.UTF_8);
            final long first = accept(w, tenant, MessageKind.MARKETING);
            final long second = accept(w, tenant, MessageKind.AUTH);
            final long delivered = accept(w, tenant, MessageKind.INFORMATIONAL);
            final byte[] states = new byte[5 * StateRecords.LENGTH];
            // the second message's provider answered first; the first was accepted after a retry
            put(states, 0, second, 2_000, DeliveryState.PROVIDER_ACCEPTED);
            put(states, 1, delivered, 2_500, DeliveryState.PROVIDER_ACCEPTED);
            put(states, 2, first, 2_600, DeliveryState.RETRYING);
            put(states, 3, first, 3_000, DeliveryState.PROVIDER_ACCEPTED);
            put(states, 4, delivered, 4_000, DeliveryState.DELIVERED);
            w.appendStates(states, 5);
            w.close();

            RecoveryFixture.recovery(90_000_000)
                .run(journal, new Recovery.Sink()
                {
                    @Override
                    public void pending(final long messageId, final byte channel, final byte kind, final int attempts,
                        final boolean uncertain)
                    {
                        awaiting.add("pending " + messageId);
                    }

                    @Override
                    public void awaitingReceipt(final long messageId, final byte channel, final byte kind,
                        final long providerAcceptedAtMs, final boolean uncertain)
                    {
                        awaiting.add((messageId == first ? "first" : messageId == second ? "second" : "delivered")
                            + " " + ChannelType.of(channel) + " " + MessageKind.of(kind) + " " + providerAcceptedAtMs);
                    }

                    @Override
                    public void deferred(final long messageId, final long dueAtMs, final long recipientKey,
                        final long deadlineMs, final int tenantId, final byte kind, final byte channel, final boolean prepaid,
                        final int consentOverride, final long campaignId)
                    {
                    }
                });
        }
        assertThat(awaiting).containsExactly("second SMS AUTH 2000", "first SMS MARKETING 3000");
    }

    private static long accept(final JournalWriter w, final byte[] tenant, final MessageKind kind)
    {
        return w.appendAccepted(kind.code(), ChannelType.SMS.code(), tenant, 60, 1_000, 0, Decision.SEND.code(), false,
            (short)0, 0, BODY, BODY.length);
    }

    private static void put(final byte[] states, final int i, final long id, final long atMs, final DeliveryState state)
    {
        StateRecords.put(states, i * StateRecords.LENGTH, id, atMs, state.code(), (byte)1, ChannelType.SMS.code(),
            (short)0);
    }
}
