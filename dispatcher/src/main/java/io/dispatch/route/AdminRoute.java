package io.dispatch.route;

import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * A route the admin server answers under a path prefix. Runs on the admin thread and must not block, unless it
 * says it is slow. Its own package, below the engine's packages, so a connector or the targeting thread can offer
 * a route without importing the admin server (docs/design/layering.md).
 */
@FunctionalInterface
public interface AdminRoute
{
    AdminReply handle(String method, QueryStringDecoder uri);

    /** For routes that read the request body (an upload); at most the admin server's {@code MAX_BODY_BYTES}. */
    default AdminReply handle(final String method, final QueryStringDecoder uri, final byte[] body)
    {
        return handle(method, uri);
    }

    /**
     * @return true when the answer to {@code path} can take seconds (a scan of a journal): it is then made on a
     * thread of its own, one request at a time, so the admin thread keeps answering health probes and scrapes.
     */
    default boolean slow(final String path)
    {
        return false;
    }

    /**
     * @return true for a route that, like {@code /metrics}, shows counts and names but no message data and changes
     * nothing: it answers without the admin token, so a scraper or a load generator needs no secret.
     */
    default boolean open()
    {
        return false;
    }
}
