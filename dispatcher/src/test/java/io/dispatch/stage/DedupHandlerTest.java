package io.dispatch.stage;

import io.dispatch.policy.DedupIndex;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.Decision;
import io.dispatch.protocol.MessageKind;
import io.dispatch.ring.DispatchEvent;
import org.junit.jupiter.api.Test;

import static io.dispatch.stage.StageEvents.NOW;
import static org.assertj.core.api.Assertions.assertThat;

class DedupHandlerTest
{
    private final StageEvents events = new StageEvents();
    private final DedupIndex index = new DedupIndex(60_000);
    private final DedupIndex contentIndex = new DedupIndex(60_000);
    private final DedupHandler stage = new DedupHandler(index, contentIndex, () -> NOW);

    @Test
    void shouldStampANewMessageWithTheTimeItsRecipientAndItsKey()
    {
        final DispatchEvent e = events.submit(MessageKind.INFORMATIONAL, ChannelType.SMS, "order-1", "01012345678");

        stage.onEvent(e, 0, true);

        assertThat(e.outcome).isEqualTo(DispatchEvent.OUTCOME_ACCEPTED);
        assertThat(e.decision).isZero();
        assertThat(e.acceptedAtMs).isEqualTo(NOW);
        assertThat(e.keyHash).isNotZero();
        assertThat(e.contentHash).isNotZero();
        final DispatchEvent sameRecipient = events.submit(MessageKind.MARKETING, ChannelType.SMS, "", "01012345678");
        final DispatchEvent otherRecipient = events.submit(MessageKind.MARKETING, ChannelType.SMS, "", "01099999999");
        stage.onEvent(sameRecipient, 1, false);
        stage.onEvent(otherRecipient, 2, true);
        assertThat(e.recipientKey).as("the key of the caps and the directory").isNotZero()
            .isEqualTo(sameRecipient.recipientKey).isNotEqualTo(otherRecipient.recipientKey);
    }

    @Test
    void shouldMarkARepeatedKeyADuplicateOfTheOriginalMessage()
    {
        final DispatchEvent first = events.submit(MessageKind.INFORMATIONAL, ChannelType.SMS, "order-1", "01012345678");
        stage.onEvent(first, 0, false);
        index.record(first.keyHash, 41, NOW); // what the journal stage does once the first is appended

        final DispatchEvent again = events.submit(MessageKind.INFORMATIONAL, ChannelType.SMS, "order-1", "01099999999");
        stage.onEvent(again, 1, true);

        assertThat(again.outcome).isEqualTo(DispatchEvent.OUTCOME_DUPLICATE);
        assertThat(again.decision).isEqualTo(Decision.DUPLICATE.code());
        assertThat(again.messageId).as("the original's id").isEqualTo(41);
    }

    @Test
    void shouldMarkTheSameContentToTheSameRecipientADuplicateWhenContentDedupIsOn()
    {
        final DispatchEvent first = events.submit(MessageKind.INFORMATIONAL, ChannelType.SMS, "", "01012345678");
        stage.onEvent(first, 0, false);
        assertThat(first.keyHash).as("no key").isZero();
        contentIndex.record(first.contentHash, 52, NOW);

        final DispatchEvent other = events.submit(MessageKind.INFORMATIONAL, ChannelType.SMS, "", "01055555555");
        stage.onEvent(other, 1, false);
        final DispatchEvent same = events.submit(MessageKind.INFORMATIONAL, ChannelType.SMS, "", "01012345678");
        stage.onEvent(same, 2, true);

        assertThat(other.outcome).as("another recipient").isEqualTo(DispatchEvent.OUTCOME_ACCEPTED);
        assertThat(same.outcome).isEqualTo(DispatchEvent.OUTCOME_DUPLICATE);
        assertThat(same.messageId).isEqualTo(52);
    }

    @Test
    void shouldLeaveEveryOtherEventAlone()
    {
        final DispatchEvent state = events.state(7, io.dispatch.protocol.DeliveryState.DELIVERED, ChannelType.SMS, 5);

        stage.onEvent(state, 0, true);

        assertThat(state.acceptedAtMs).isZero();
        assertThat(state.recipientKey).isZero();
    }
}
