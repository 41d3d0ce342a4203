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

/**
 * What recovery rebuilds for fallbacks: which messages may already have reached their recipient on their current
 * channel (an attempt timed out, or was dispatched with no outcome journaled before the kill), so that none of
 * them falls back; and fallbacks the policy stage deferred on their new channel, which wait for the scheduler there.
 */
class RecoveryUncertainAttemptTest
{
    private static final byte[] BODY = RecoveryFixture.submitBody(ChannelType.CHAT);


    @TempDir
    Path dir;

    private final List<byte[]> states = new ArrayList<>();

    @Test
    void shouldMarkMessagesWhoseAttemptMayHaveReachedTheRecipient()
    {
        final List<String> out = new ArrayList<>();
        try (Journal journal = new Journal(dir, "FAST_DAILY"))
        {
            final JournalWriter w = journal.newWriter(false);
            final long untouched = accept(w);
            final long inFlightAtKill = accept(w);
            final long refused = accept(w);
            final long timedOutEarlier = accept(w);
            final long movedAfterTimeout = accept(w);
            final long acceptedAfterTimeout = accept(w);
            final long acceptedCleanly = accept(w);

            state(inFlightAtKill, DeliveryState.DISPATCHED, 1, ChannelType.CHAT, Reason.NONE);
            state(refused, DeliveryState.DISPATCHED, 1, ChannelType.CHAT, Reason.NONE);
            state(refused, DeliveryState.RETRYING, 1, ChannelType.CHAT, Reason.PROVIDER_UNAVAILABLE);
            state(timedOutEarlier, DeliveryState.DISPATCHED, 1, ChannelType.CHAT, Reason.NONE);
            state(timedOutEarlier, DeliveryState.RETRYING, 1, ChannelType.CHAT, Reason.PROVIDER_TIMEOUT);
            state(timedOutEarlier, DeliveryState.DISPATCHED, 2, ChannelType.CHAT, Reason.NONE);
            state(timedOutEarlier, DeliveryState.RETRYING, 2, ChannelType.CHAT, Reason.PROVIDER_UNAVAILABLE);
            state(movedAfterTimeout, DeliveryState.DISPATCHED, 1, ChannelType.CHAT, Reason.NONE);
            state(movedAfterTimeout, DeliveryState.RETRYING, 1, ChannelType.CHAT, Reason.PROVIDER_TIMEOUT);
            state(movedAfterTimeout, DeliveryState.RETRYING, 0, ChannelType.SMS, Reason.NOT_CHANNEL_USER);
            state(acceptedAfterTimeout, DeliveryState.RETRYING, 1, ChannelType.CHAT, Reason.PROVIDER_ERROR);
            state(acceptedAfterTimeout, DeliveryState.DISPATCHED, 2, ChannelType.CHAT, Reason.NONE);
            state(acceptedAfterTimeout, DeliveryState.PROVIDER_ACCEPTED, 2, ChannelType.CHAT, Reason.NONE);
            state(acceptedCleanly, DeliveryState.DISPATCHED, 1, ChannelType.CHAT, Reason.NONE);
            state(acceptedCleanly, DeliveryState.PROVIDER_ACCEPTED, 1, ChannelType.CHAT, Reason.NONE);
            final byte[] all = new byte[states.size() * StateRecords.LENGTH];
            for (int i = 0; i < states.size(); i++)
            {
                System.arraycopy(states.get(i), 0, all, i * StateRecords.LENGTH, StateRecords.LENGTH);
            }
            w.appendStates(all, states.size());
            w.close();

            final long[] ids = {untouched, inFlightAtKill, refused, timedOutEarlier, movedAfterTimeout,
                acceptedAfterTimeout, acceptedCleanly};
            final String[] names = {"untouched", "inFlightAtKill", "refused", "timedOutEarlier", "movedAfterTimeout",
                "acceptedAfterTimeout", "acceptedCleanly"};
            RecoveryFixture.recovery(2_000)
                .run(journal, new Recovery.Sink()
                {
                    @Override
                    public void pending(final long messageId, final byte channel, final byte kind, final int attempts,
                        final boolean uncertain)
                    {
                        out.add(name(messageId) + " " + ChannelType.of(channel) + " " + attempts + (uncertain ? " uncertain" : ""));
                    }

                    @Override
                    public void awaitingReceipt(final long messageId, final byte channel, final byte kind,
                        final long providerAcceptedAtMs, final boolean uncertain)
                    {
                        out.add(name(messageId) + " awaiting" + (uncertain ? " uncertain" : ""));
                    }

                    @Override
                    public void deferred(final long messageId, final long dueAtMs, final long recipientKey,
                        final long deadlineMs, final int tenantId, final byte kind, final byte channel, final boolean prepaid,
                        final int consentOverride, final long campaignId)
                    {
                    }

                    private String name(final long id)
                    {
                        for (int i = 0; i < ids.length; i++)
                        {
                            if (ids[i] == id)
                            {
                                return names[i];
                            }
                        }
                        return "?";
                    }
                });
        }
        assertThat(out).containsExactly(
            "untouched CHAT 0",
            "inFlightAtKill CHAT 1 uncertain",
            "refused CHAT 1",
            "timedOutEarlier CHAT 2 uncertain",
            "movedAfterTimeout SMS 0",
            "acceptedAfterTimeout awaiting uncertain",
            "acceptedCleanly awaiting");
    }

    @Test
    void shouldHandBackAFallbackDeferredOnItsNewChannelToTheSchedulerThere()
    {
        final List<String> out = new ArrayList<>();
        try (Journal journal = new Journal(dir, "FAST_DAILY"))
        {
            final JournalWriter w = journal.newWriter(false);
            final long held = accept(w);
            final long released = accept(w);
            state(held, DeliveryState.DISPATCHED, 1, ChannelType.CHAT, Reason.NONE);
            state(held, DeliveryState.DEFERRED, 0, ChannelType.SMS, Reason.NIGHT_WINDOW);
            state(released, DeliveryState.DISPATCHED, 1, ChannelType.CHAT, Reason.NONE);
            state(released, DeliveryState.DEFERRED, 0, ChannelType.SMS, Reason.NIGHT_WINDOW);
            state(released, DeliveryState.DISPATCHED, 1, ChannelType.SMS, Reason.NONE);
            final byte[] all = new byte[states.size() * StateRecords.LENGTH];
            for (int i = 0; i < states.size(); i++)
            {
                System.arraycopy(states.get(i), 0, all, i * StateRecords.LENGTH, StateRecords.LENGTH);
            }
            w.appendStates(all, states.size());
            w.close();

            RecoveryFixture.recovery(2_000)
                .run(journal, new Recovery.Sink()
                {
                    @Override
                    public void pending(final long messageId, final byte channel, final byte kind, final int attempts,
                        final boolean uncertain)
                    {
                        out.add((messageId == released ? "released" : "held") + " pending " + ChannelType.of(channel)
                            + " " + MessageKind.of(kind));
                    }

                    @Override
                    public void awaitingReceipt(final long messageId, final byte channel, final byte kind,
                        final long providerAcceptedAtMs, final boolean uncertain)
                    {
                        out.add("awaiting " + messageId);
                    }

                    @Override
                    public void deferred(final long messageId, final long dueAtMs, final long recipientKey,
                        final long deadlineMs, final int tenantId, final byte kind, final byte channel, final boolean prepaid,
                        final int consentOverride, final long campaignId)
                    {
                        out.add((messageId == held ? "held" : "released") + " deferred " + ChannelType.of(channel) + " "
                            + MessageKind.of(kind) + " due " + dueAtMs + " tenant " + tenantId + " deadline " + deadlineMs
                            + " consent " + consentOverride + " key " + (recipientKey == recipientKey() ? "ok" : "wrong"));
                    }
                });
        }
        assertThat(out).containsExactly("released pending SMS INFORMATIONAL",
            "held deferred SMS INFORMATIONAL due 1001 tenant 1 deadline 61000 consent -1 key ok");
    }

    private static long recipientKey()
    {
        return io.dispatch.policy.RecipientKeys.recipientKey(1, BODY, io.dispatch.policy.RecipientKeys.recipientAt(BODY));
    }

    private static long accept(final JournalWriter w)
    {
        return w.appendAccepted(MessageKind.INFORMATIONAL.code(), ChannelType.CHAT.code(),
            "demo".getBytes(StandardCharsets.UTF_8), 60, 1_000, 0, Decision.SEND.code(), false, (short)0, 0, BODY,
            BODY.length);
    }

    private void state(final long id, final DeliveryState state, final int attempts, final ChannelType channel,
        final Reason reason)
    {
        final byte[] b = new byte[StateRecords.LENGTH];
        StateRecords.put(b, 0, id, 1_000 + states.size(), state.code(), (byte)attempts, channel.code(),
            (short)reason.code());
        states.add(b);
    }
}
