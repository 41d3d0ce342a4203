package io.dispatch.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code connections.json}: per connection of the run, the streams it carried, its ACKs per class (warm-up
 * included) and the generator thread it ran on, so a run shows where each class's traffic went, e.g. that a
 * stream with {@code stream.NAME.connections} had its connections, and their threads, to itself.
 * <p>
 * <b>Threading:</b> called once the run is over, on the run's thread.
 */
public final class ConnectionsReport
{
    public static final String FILE = "connections.json";

    private ConnectionsReport()
    {
    }

    public static void write(
        final ConnectionPlan plan, final List<ConnectionTracker> trackers, final ClientConnections clients, final Path dir)
        throws IOException
    {
        final JsonWriter w = new JsonWriter().beginObject().name("connections").beginArray();
        for (int c = 0; c < plan.connections(); c++)
        {
            final ConnectionTracker t = trackers.get(c);
            w.beginObject()
                .field("connection", c)
                .field("streams", plan.describe(c))
                .field("sent", t.warmup().sent() + t.measured().sent())
                .field("ioThread", clients.threadName(c))
                .name("acked").beginObject();
            for (int k = 0; k < MessageClasses.COUNT; k++)
            {
                if (t.acked(k) > 0)
                {
                    w.field(MessageClasses.name(k), t.acked(k));
                }
            }
            w.endObject().endObject();
        }
        w.endArray().endObject();
        Files.writeString(dir.resolve(FILE), w + "\n", StandardCharsets.UTF_8);
    }
}
