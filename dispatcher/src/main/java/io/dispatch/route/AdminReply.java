package io.dispatch.route;

/** An HTTP status and a plain-text or JSON body, the answer of an {@link AdminRoute}. */
public record AdminReply(int status, String body)
{
    public static AdminReply ok(final String body)
    {
        return new AdminReply(200, body);
    }

    public static AdminReply badRequest(final String problem)
    {
        return new AdminReply(400, problem + "\n");
    }
}
