package io.dispatch.ring;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MarketingShareTest
{
    @Test
    void shouldHandOutTheShareAndTakeBackWhatIsReleasedOrUntaken()
    {
        final MarketingShare share = new MarketingShare(3);
        assertThat(share.tryTake()).isTrue();
        assertThat(share.tryTake()).isTrue();
        assertThat(share.tryTake()).isTrue();
        assertThat(share.tryTake()).as("the share is taken").isFalse();
        assertThat(share.held()).isEqualTo(3);

        share.release(2);
        assertThat(share.held()).isEqualTo(1);
        assertThat(share.tryTake()).isTrue();
        share.untake();
        assertThat(share.held()).as("a slot taken for a SUBMIT that found no ring slot comes back").isEqualTo(1);
        share.release(0);
        assertThat(share.held()).isEqualTo(1);
    }

    @Test
    void shouldNotLimitWhenZeroAndRefuseANegativeShare()
    {
        final MarketingShare unlimited = new MarketingShare(0);
        for (int i = 0; i < 100_000; i++)
        {
            assertThat(unlimited.tryTake()).isTrue();
        }
        assertThat(unlimited.slots()).isEqualTo(Long.MAX_VALUE);
        assertThatThrownBy(() -> new MarketingShare(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldHandABatchWhatIsLeftOfTheShareAndTakeBackItsUnfilledSlots()
    {
        final MarketingShare share = new MarketingShare(10);
        assertThat(share.tryTake()).isTrue(); // a client's SUBMIT
        assertThat(share.tryTake(256)).as("a campaign's batch gets what the client left").isEqualTo(9);
        assertThat(share.tryTake(256)).isZero();
        assertThat(share.tryTake()).isFalse();
        share.untake(4); // the batch filled 5 of its 9
        assertThat(share.held()).isEqualTo(6);
        share.release(6);
        assertThat(share.tryTake(0)).isZero();
        assertThat(share.tryTake(3)).isEqualTo(3);

        final MarketingShare unlimited = new MarketingShare(0);
        unlimited.release(5); // released read after a concurrent take: held below zero must not overflow the room
        assertThat(unlimited.tryTake(256)).isEqualTo(256);
    }
}
