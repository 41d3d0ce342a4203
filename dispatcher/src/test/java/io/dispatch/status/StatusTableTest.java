package io.dispatch.status;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StatusTableTest
{
    @Test
    void shouldKeepLatestStateOfEachMessage()
    {
        final StatusTable table = new StatusTable(1024);
        table.insert(100L, (byte)1, 5L, (byte)1, (byte)3, 7, 42);
        final int slot = table.find(100L);
        table.update(slot, (byte)5, (byte)2, (short)0, 9L, (byte)0);
        assertThat(table.state(slot)).isEqualTo((byte)5);
        assertThat(table.attempts(slot)).isEqualTo((byte)2);
        assertThat(table.updatedAt(slot)).isEqualTo(9L);
        assertThat(table.tenant(slot)).isEqualTo(7);
        assertThat(table.sessionRef(slot)).isEqualTo(42);
        assertThat(table.kind(slot)).isEqualTo((byte)3);
        assertThat(table.find(101L)).isEqualTo(-1);
        assertThat(table.wasEvicted(101L)).isFalse();
    }

    @Test
    void shouldHoldNothingOfAnEarlierFoldOnceCleared()
    {
        final StatusTable table = new StatusTable(1024);
        for (long id = 1; id <= 1500; id++)
        {
            table.insert(id, (byte)5, id, (byte)1, (byte)1, 1, 0);
        }
        table.clear();
        assertThat(table.size()).isZero();
        assertThat(table.find(1500L)).isEqualTo(-1);
        assertThat(table.wasEvicted(476L)).as("no id is known any more").isFalse();

        table.insert(2000L, (byte)1, 7L, (byte)2, (byte)3, 4, 9);
        final int slot = table.find(2000L);
        assertThat(table.state(slot)).isEqualTo((byte)1);
        assertThat(table.attempts(slot)).isZero();
        assertThat(table.channel(slot)).isEqualTo((byte)2);
        assertThat(table.size()).isEqualTo(1);
        assertThat(table.wasEvicted(1999L)).as("older than the first id of this fold: never existed here").isFalse();
    }

    @Test
    void shouldKeepSparseJournalIndexesApart()
    {
        final StatusTable table = new StatusTable(1024);
        for (long id = 0; id < 3000; id += 2)
        {
            table.insert(id, (byte)1, id, (byte)1, (byte)1, 1, 0);
        }
        assertThat(table.find(2998L)).isNotNegative();
        assertThat(table.find(2024L)).isNotNegative();
        assertThat(table.find(2997L)).isEqualTo(-1);
        assertThat(table.wasEvicted(2997L)).as("never existed").isFalse();
        assertThat(table.find(1000L)).isEqualTo(-1);
        assertThat(table.wasEvicted(1000L)).isTrue();
    }

    @Test
    void shouldEvictOldestWhenFullAndSayWhichIdsWereEvicted()
    {
        final StatusTable table = new StatusTable(1024);
        for (long id = 1; id <= 1500; id++)
        {
            table.insert(id, (byte)1, id, (byte)1, (byte)1, 1, 0);
        }
        assertThat(table.size()).isEqualTo(1024);
        assertThat(table.find(476L)).isEqualTo(-1);
        assertThat(table.wasEvicted(476L)).isTrue();
        assertThat(table.find(477L)).isNotNegative();
        assertThat(table.find(1500L)).isNotNegative();
        assertThat(table.wasEvicted(1501L)).isFalse();
        assertThat(table.wasEvicted(1500L)).isFalse();
    }

    @Test
    void shouldNotCallAnIdThatNeverNamedAMessageEvicted()
    {
        final StatusTable table = new StatusTable(1024);
        for (long id = 1; id <= 1124; id++)
        {
            if (id != 100)
            {
                table.insert(id, (byte)1, id, (byte)1, (byte)1, 1, 0);
            }
        }
        assertThat(table.find(99L)).as("overwritten by 1123").isEqualTo(-1);
        assertThat(table.wasEvicted(99L)).isTrue();
        assertThat(table.find(100L)).isEqualTo(-1);
        assertThat(table.wasEvicted(100L)).as("a journal index that was not a message; its slot holds 1124").isFalse();
    }

    @Test
    void shouldNotCallIdsBeforeTheFirstMessageEvicted()
    {
        final StatusTable table = new StatusTable(1024);
        for (long id = 5000; id <= 6500; id++)
        {
            table.insert(id, (byte)1, id, (byte)1, (byte)1, 1, 0);
        }
        assertThat(table.wasEvicted(5000L)).isTrue();
        assertThat(table.wasEvicted(4999L)).as("before the journal's first message").isFalse();
        assertThat(table.wasEvicted(10L)).isFalse();
    }
}
