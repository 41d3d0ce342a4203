package io.dispatch.testing;

import io.dispatch.client.DispatchClient;
import io.dispatch.client.StatusResult;

import java.util.concurrent.TimeUnit;

/** Polls STATUS through the real client until a message ends. */
public final class Statuses
{
    private Statuses()
    {
    }

    /** @return the first terminal status, or the last one seen after 30 s. */
    public static StatusResult awaitTerminal(final DispatchClient client, final long id) throws Exception
    {
        final long deadline = System.currentTimeMillis() + 30_000;
        StatusResult last = client.status(id).get(10, TimeUnit.SECONDS);
        while (!last.state().isTerminal() && System.currentTimeMillis() < deadline)
        {
            Thread.sleep(20);
            last = client.status(id).get(10, TimeUnit.SECONDS);
        }
        return last;
    }
}
