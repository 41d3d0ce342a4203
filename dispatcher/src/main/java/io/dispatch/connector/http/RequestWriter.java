package io.dispatch.connector.http;

import io.dispatch.connector.ConnectorCounters;
import io.dispatch.connector.DeliveryCallback;
import io.dispatch.connector.DeliveryRequest;
import io.dispatch.protocol.Reason;

/**
 * Builds one send's request body on the lane thread, refusing locally what the provider would refuse anyway.
 * Implemented by the Kakao, TalkTalk and Messenger writers; not thread-safe.
 */
public interface RequestWriter
{
    /**
     * @return true when a body was built; false with {@link #refusal()} otherwise.
     * @throws RuntimeException when the message cannot be rendered (e.g. a template missing from this configuration).
     */
    boolean write(DeliveryRequest request);

    /** @return why the last {@link #write} refused the request. */
    Reason refusal();

    /**
     * Writes the request's body or settles the send as rejected, never retried: with the writer's refusal, or
     * CONTENT_REJECTED when the body could not be rendered.
     *
     * @return true when the body was written and the send goes on.
     */
    static boolean writeOrReject(
        final RequestWriter writer,
        final DeliveryRequest request,
        final DeliveryCallback callback,
        final ConnectorCounters counters)
    {
        final boolean written;
        try
        {
            written = writer.write(request);
        }
        catch (final RuntimeException ex)
        {
            counters.rejected(Reason.CONTENT_REJECTED, -1);
            callback.onRejected(request, Reason.CONTENT_REJECTED);
            return false;
        }
        if (!written)
        {
            counters.rejected(writer.refusal(), -1);
            callback.onRejected(request, writer.refusal());
            return false;
        }
        return true;
    }
}
