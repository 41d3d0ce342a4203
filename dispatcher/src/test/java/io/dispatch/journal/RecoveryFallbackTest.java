package io.dispatch.journal;

import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.Decision;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
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
    /** A minimal SUBMIT body: recovery reads the recipient from it for the policy state. */
    private static final byte[] BODY = RecoveryFixture.submitBody(ChannelType.CHAT);


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
                1_000, 0, Decision.SEND.code(), false, (short)0, 0, BODY, BODY.length);
            final long stayed = w.appendAccepted(MessageKind.MARKETING.code(), ChannelType.CHAT.code(), tenant, 60,
                1_000, 0, Decision.SEND.code(), false, (short)0, 0, BODY, BODY.length);
            final long afterReceipt = w.appendAccepted(MessageKind.INFORMATIONAL.code(), ChannelType.CHAT.code(), tenant, 60,
                1_000, 0, Decision.SEND.code(), false, (short)0, 0, BODY, BODY.length);
            final byte[] states = new byte[7 * StateRecords.LENGTH];
            // accepted by the relay, then its result said "not a KakaoTalk user": moved to SMS after acceptance
            StateRecords.put(states, 4 * StateRecords.LENGTH, afterReceipt, 1_005, DeliveryState.DISPATCHED.code(), (byte)1,
                ChannelType.CHAT.code(), (short)0);
            StateRecords.put(states, 5 * StateRecords.LENGTH, afterReceipt, 1_006, DeliveryState.PROVIDER_ACCEPTED.code(),
                (byte)1, ChannelType.CHAT.code(), (short)0);
            StateRecords.put(states, 6 * StateRecords.LENGTH, afterReceipt, 1_007, DeliveryState.RETRYING.code(), (byte)0,
                ChannelType.SMS.code(), (short)Reason.NOT_CHANNEL_USER.code());
            StateRecords.put(states, 0, moved, 1_001, DeliveryState.DISPATCHED.code(), (byte)2, ChannelType.CHAT.code(),
                (short)0);
            StateRecords.put(states, StateRecords.LENGTH, moved, 1_002, DeliveryState.RETRYING.code(), (byte)0,
                ChannelType.SMS.code(), (short)Reason.NOT_CHANNEL_USER.code());
            StateRecords.put(states, 2 * StateRecords.LENGTH, stayed, 1_003, DeliveryState.RETRYING.code(), (byte)3,
                ChannelType.CHAT.code(), (short)Reason.PROVIDER_UNAVAILABLE.code());
            StateRecords.put(states, 3 * StateRecords.LENGTH, moved, 1_004, DeliveryState.DISPATCHED.code(), (byte)1,
                ChannelType.SMS.code(), (short)0);
            w.appendStates(states, 7);
            w.close();

            RecoveryFixture.recovery(2_000)
                .run(journal, new Recovery.Sink()
                {
                    @Override
                    public void pending(final long messageId, final byte channel, final byte kind, final int attempts,
                        final boolean uncertain)
                    {
                        pending.add((messageId == moved ? "moved" : messageId == stayed ? "stayed" : "receipt")
                            + " " + ChannelType.of(channel) + " " + MessageKind.of(kind) + " " + attempts);
                    }

                    @Override
                    public void awaitingReceipt(final long messageId, final byte channel, final byte kind,
                        final long providerAcceptedAtMs, final boolean uncertain)
                    {
                        pending.add("awaiting " + messageId);
                    }

                    @Override
                    public void deferred(final long messageId, final long dueAtMs, final long recipientKey,
                        final long deadlineMs, final int tenantId, final byte kind, final byte channel, final boolean prepaid,
                        final int consentOverride, final long campaignId)
                    {
                    }
                });
        }
        assertThat(pending).containsExactly("moved SMS INFORMATIONAL 1", "stayed CHAT MARKETING 3",
            "receipt SMS INFORMATIONAL 0");
    }
}
