package io.dispatch.load;

import io.dispatch.load.scenario.StreamSpec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Which connections carry which streams. Streams without {@code stream.NAME.connections} share the run's
 * {@code connections} (numbered first; none are opened when no stream shares them); each stream with the
 * key gets that many connections of its own, numbered after them in stream order. A stream's messages are
 * dealt round-robin over its connections, so on connection {@code c} a stream's schedule sees the
 * connection as its {@link #slot slot}, one of {@link #connectionsOf} of the stream. Own connections keep a
 * class's messages out of the other classes' client queue and TCP stream: with a flood on the shared ones,
 * what a dedicated stream measures is the engine's isolation, not the generator's.
 * <p>
 * <b>Threading:</b> immutable.
 */
public final class ConnectionPlan
{
    private final int[] firstConnection;
    private final int[] connectionsOf;
    private final int[][] streamsOn;
    private final String[] names;
    private final int shared;

    private ConnectionPlan(
        final int[] firstConnection, final int[] connectionsOf, final int total, final String[] names, final int shared)
    {
        this.shared = shared;
        this.firstConnection = firstConnection;
        this.connectionsOf = connectionsOf;
        this.names = names;
        this.streamsOn = new int[total][];
        for (int c = 0; c < total; c++)
        {
            final List<Integer> on = new ArrayList<>();
            for (int s = 0; s < firstConnection.length; s++)
            {
                if (c >= firstConnection[s] && c < firstConnection[s] + connectionsOf[s])
                {
                    on.add(s);
                }
            }
            streamsOn[c] = on.stream().mapToInt(Integer::intValue).toArray();
        }
    }

    /** @param sharedConnections the run's {@code connections}, used by the streams without their own. */
    public static ConnectionPlan of(final List<StreamSpec> streams, final int sharedConnections)
    {
        final int[] first = new int[streams.size()];
        final int[] count = new int[streams.size()];
        final String[] names = new String[streams.size()];
        boolean anyShared = false;
        for (final StreamSpec s : streams)
        {
            anyShared |= s.connections() == StreamSpec.SHARED;
        }
        int next = anyShared ? sharedConnections : 0;
        for (int s = 0; s < first.length; s++)
        {
            final StreamSpec spec = streams.get(s);
            names[s] = spec.name();
            if (spec.connections() == StreamSpec.SHARED)
            {
                first[s] = 0;
                count[s] = sharedConnections;
            }
            else
            {
                first[s] = next;
                count[s] = spec.connections();
                next += spec.connections();
            }
        }
        return new ConnectionPlan(first, count, next, names, anyShared ? sharedConnections : 0);
    }

    /** @return connections the run opens. */
    public int connections()
    {
        return streamsOn.length;
    }

    /** @return how many of the connections (numbered first) are shared; the rest belong to one stream each. */
    public int sharedConnections()
    {
        return shared;
    }

    /** @return the connections stream {@code stream} is dealt over: its schedule's connection count. */
    public int connectionsOf(final int stream)
    {
        return connectionsOf[stream];
    }

    /** @return the streams (indexes into the run's streams) connection {@code connection} carries; never empty. */
    public int[] streamsOn(final int connection)
    {
        return streamsOn[connection].clone();
    }

    /** @return the connection's index among the stream's connections (it must carry the stream). */
    public int slot(final int connection, final int stream)
    {
        return connection - firstConnection[stream];
    }

    /** @return the names of the streams the connection carries, e.g. {@code [info]}. */
    public String describe(final int connection)
    {
        final String[] on = new String[streamsOn[connection].length];
        for (int i = 0; i < on.length; i++)
        {
            on[i] = names[streamsOn[connection][i]];
        }
        return Arrays.toString(on);
    }
}
