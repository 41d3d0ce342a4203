package io.dispatch.client;

import io.dispatch.protocol.ErrorCode;
import io.netty.buffer.ByteBuf;

/**
 * A credited request whose answer has a body of its own type (DIRECTORY_RESULT, CAMPAIGN_RESULT): the request
 * decodes it, so that each new answer type is one small class and not another {@code onXxx} of the conductor.
 */
abstract class AnswerRequest<T> extends FrameRequest<T>
{
    /** @return the message type that answers this request. */
    abstract byte answerType();

    /**
     * Reads the answer body. I/O thread.
     *
     * @throws IndexOutOfBoundsException when the body is shorter than its fields say.
     */
    abstract T decode(ByteBuf frame, int body, int bodyLength);

    /**
     * Completes the request with the decoded answer, or fails it when the body is malformed.
     *
     * @return null, or what is malformed (the engine broke the protocol: the caller drops the connection).
     */
    final String answer(final ByteBuf frame, final int body, final int bodyLength)
    {
        final T value;
        try
        {
            value = decode(frame, body, bodyLength);
        }
        catch (final IndexOutOfBoundsException ex)
        {
            fail(new DispatchException(DispatchException.Kind.ERROR, ErrorCode.MALFORMED_FRAME, ex.getMessage()));
            return ex.getMessage();
        }
        complete(value);
        return null;
    }
}
