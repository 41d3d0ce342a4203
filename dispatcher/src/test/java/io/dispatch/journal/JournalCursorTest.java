package io.dispatch.journal;

import io.dispatch.protocol.ChannelType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A cursor over a real journal: positions in journal order, a visitor that cannot take a record gets it again from
 * the change it stopped at (nothing dropped, nothing repeated), and {@code startAfter} resumes exactly after a
 * position, also one in the middle of a STATE record.
 */
class JournalCursorTest
{
    @TempDir
    Path dir;

    /** Records "kind@position", refusing the first offer of the position in {@link #refuseOnce}. */
    private static final class Recording implements JournalCursor.Visitor
    {
        final List<String> seen = new ArrayList<>();
        long refuseOnce = -1;

        private boolean take(final String what, final long position)
        {
            if (position == refuseOnce)
            {
                refuseOnce = -1;
                return false;
            }
            seen.add(what + "@" + position);
            return true;
        }

        @Override
        public boolean onAccepted(final long position, final AcceptedRecord record)
        {
            return take("accepted", position);
        }

        @Override
        public boolean onState(final long position, final long messageId, final byte state, final byte attempts,
            final byte channel, final short reason, final long atMs)
        {
            return take("state" + state, position);
        }

        @Override
        public boolean onInbound(final long position, final long atMs, final byte[] tenantName,
            final int tenantNameLength, final byte[] body, final int length)
        {
            return take("inbound", position);
        }
    }

    @Test
    void shouldOfferEveryRecordOnceInOrderAndAgainFromWhereTheVisitorStopped()
    {
        try (Journal journal = new Journal(dir, "FAST_DAILY"))
        {
            final JournalWriter writer = journal.newWriter(false);
            final byte[] tenant = "demo".getBytes(StandardCharsets.US_ASCII);
            final byte[] body = RecoveryFixture.submitBody(ChannelType.SMS);
            final long id = writer.appendAccepted((byte)1, ChannelType.SMS.code(), tenant, 60, 1L, 0, (byte)0, false,
                (short)0, 0, body, body.length);
            final byte[] states = new byte[3 * StateRecords.LENGTH];
            for (int i = 0; i < 3; i++)
            {
                StateRecords.put(states, i * StateRecords.LENGTH, id, 2L + i, (byte)(2 + i), (byte)1,
                    ChannelType.SMS.code(), (short)0);
            }
            writer.appendStates(states, 3);
            final long stateIndex = writer.lastIndex();
            final long inboundIndex = writer.appendInbound(3L, tenant, new byte[] {0, 1}, 2);
            writer.close();

            final List<String> expected = List.of("accepted@" + JournalCursor.position(id, 0),
                "state2@" + JournalCursor.position(stateIndex, 0), "state3@" + JournalCursor.position(stateIndex, 1),
                "state4@" + JournalCursor.position(stateIndex, 2), "inbound@" + JournalCursor.position(inboundIndex, 0));

            final Recording all = new Recording();
            all.refuseOnce = JournalCursor.position(stateIndex, 1);
            try (JournalCursor cursor = journal.newCursor())
            {
                cursor.startAfter(JournalCursor.FROM_START);
                assertThat(cursor.poll(all, 100)).as("stopped in the STATE record").isEqualTo(1);
                assertThat(all.seen).hasSize(2);
                while (cursor.poll(all, 100) > 0)
                {
                    // drain
                }
                assertThat(all.seen).isEqualTo(expected);
            }

            final Recording resumed = new Recording();
            try (JournalCursor cursor = journal.newCursor())
            {
                cursor.startAfter(JournalCursor.position(stateIndex, 1));
                cursor.poll(resumed, 100);
                assertThat(resumed.seen).as("after the middle of a STATE record").isEqualTo(expected.subList(3, 5));
            }

            final Recording fromNow = new Recording();
            try (JournalCursor cursor = journal.newCursor())
            {
                cursor.startAfter(JournalCursor.FROM_NOW);
                assertThat(cursor.poll(fromNow, 100)).isZero();
                final JournalWriter later = journal.newWriter(false);
                final long next = later.appendInbound(4L, tenant, new byte[] {0, 1}, 2);
                later.close();
                cursor.poll(fromNow, 100);
                assertThat(fromNow.seen).containsExactly("inbound@" + JournalCursor.position(next, 0));
            }
        }
    }
}
