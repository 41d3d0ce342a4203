package io.dispatch.it;

import io.dispatch.netty.ByteBufFrames;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageType;
import io.dispatch.testing.RawConnection;
import io.dispatch.testing.RawConnection.Frame;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;

/** Polls STATUS for a set of message ids until each is terminal (or in a given state) or the time is up. */
final class StatusPoller
{
    private static final int CHUNK = 500;
    /**
     * Generous: right after a restart from kill -9, Chronicle may first recover the dead writer's
     * unfinished record (up to the journal's writer-recovery timeout) before anything is answered.
     */
    private static final int READ_TIMEOUT_MS = 30_000;

    private StatusPoller()
    {
    }

    /** @return the last state seen per id, in the order given (0 when never answered). */
    static List<Integer> awaitTerminal(final RawConnection c, final List<Long> ids, final long timeoutMs) throws Exception
    {
        return await(c, ids, timeoutMs, state -> DeliveryState.of(state).isTerminal());
    }

    /** @return the last state seen per id, in the order given (0 when never answered), once each is {@code reached}. */
    static List<Integer> await(final RawConnection c, final List<Long> ids, final long timeoutMs, final IntPredicate reached)
        throws Exception
    {
        final Map<Long, Integer> states = new HashMap<>();
        final long deadline = System.currentTimeMillis() + timeoutMs;
        List<Long> open = new ArrayList<>(ids);
        while (!open.isEmpty() && System.currentTimeMillis() < deadline)
        {
            final List<Long> stillOpen = new ArrayList<>();
            for (int from = 0; from < open.size(); from += CHUNK)
            {
                final List<Long> chunk = open.subList(from, Math.min(open.size(), from + CHUNK));
                for (int i = 0; i < chunk.size(); i++)
                {
                    final long id = chunk.get(i);
                    final long corr = i;
                    c.send(b -> ByteBufFrames.status(b, corr, id));
                }
                for (int answered = 0; answered < chunk.size(); )
                {
                    final Frame f = c.readAnyWithTimeout(READ_TIMEOUT_MS);
                    if (f.type != MessageType.STATUS_RESULT && f.type != MessageType.NACK)
                    {
                        continue;
                    }
                    final long id = chunk.get((int)f.correlationId);
                    answered++;
                    final int state = f.type == MessageType.STATUS_RESULT ? f.state() : 0;
                    states.put(id, state);
                    if (state == 0 || !reached.test(state))
                    {
                        stillOpen.add(id);
                    }
                }
            }
            open = stillOpen;
            if (!open.isEmpty())
            {
                Thread.sleep(200);
            }
        }
        final List<Integer> out = new ArrayList<>();
        for (final long id : ids)
        {
            out.add(states.getOrDefault(id, 0));
        }
        return out;
    }
}
