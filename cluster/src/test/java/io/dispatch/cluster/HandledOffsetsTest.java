package io.dispatch.cluster;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HandledOffsetsTest
{
    @Test
    void commitsOnePastTheLastRecordTheRingHasFinishedWith()
    {
        final HandledOffsets h = new HandledOffsets();
        assertThat(h.commitOffset()).isEqualTo(-1);
        h.published(10, 100);
        h.published(11, 105);
        h.published(12, 110);
        assertThat(h.handledThrough(99)).isFalse();
        assertThat(h.commitOffset()).isEqualTo(-1);
        assertThat(h.handledThrough(107)).isTrue();
        assertThat(h.commitOffset()).as("11 is journaled, 12 is not yet").isEqualTo(12);
        assertThat(h.lastSequence()).isEqualTo(110);
        assertThat(h.handledThrough(107)).as("nothing new").isFalse();
        assertThat(h.handledThrough(110)).isTrue();
        assertThat(h.commitOffset()).isEqualTo(13);
        assertThat(h.isDrained()).isTrue();
        assertThat(h.lastSequence()).isEqualTo(-1);
    }

    @Test
    void keepsOrderWhenItGrowsAcrossTheWrap()
    {
        final HandledOffsets h = new HandledOffsets();
        for (int i = 0; i < 1000; i++)
        {
            h.published(i, i);
        }
        h.handledThrough(899);
        for (int i = 1000; i < 5000; i++)
        {
            h.published(i, i);
        }
        assertThat(h.commitOffset()).isEqualTo(900);
        h.handledThrough(3999);
        assertThat(h.commitOffset()).isEqualTo(4000);
        assertThat(h.lastSequence()).isEqualTo(4999);
    }
}
