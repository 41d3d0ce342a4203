package io.dispatch.client;

import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.Decision;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.Frames;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.MessageType;
import io.dispatch.protocol.Reason;
import io.netty.buffer.ByteBuf;
import org.slf4j.Logger;

import java.util.function.Consumer;

/**
 * The answer path: correlates each answer of the engine (ACK, NACK, ERROR, STATUS_RESULT, EXPLAIN_RESULT,
 * CANCEL_RESULT, OK, PONG, and the answers with bodies of their own) with the request in flight under its
 * correlation id and completes it; fans RECEIPT, INBOUND and RECEIPTS_DROPPED out to the confirmed
 * {@link Subscriptions}, and an OK to a SUBSCRIBE confirms one.
 * <p>
 * An answer of the wrong type for its request fails the request and is logged once as a protocol violation; an
 * answer for an unknown id is normal after a timeout and only logged at DEBUG. A malformed answer body goes to the
 * protocol-error handler, which drops the connection.
 * <p>
 * <b>Note:</b> not thread-safe; owned by the connection's I/O thread, called by the {@link FrameAdapter} (ERROR
 * through the {@link ClientConductor}, which handles it itself during the handshake).
 */
final class AnswerRouter
{
    private static final Logger LOG = ErrorLog.LOG;

    private final InFlightRequests inFlight;
    private final Subscriptions subscriptions;
    private final String endpoint;
    private final Consumer<String> protocolError;

    /**
     * @param endpoint      host:port of the engine, for log lines.
     * @param protocolError told what is malformed when the engine breaks the protocol; drops the connection.
     */
    AnswerRouter(
        final InFlightRequests inFlight,
        final Subscriptions subscriptions,
        final String endpoint,
        final Consumer<String> protocolError)
    {
        this.inFlight = inFlight;
        this.subscriptions = subscriptions;
        this.endpoint = endpoint;
        this.protocolError = protocolError;
    }

    void onAck(final long correlationId, final long messageId, final boolean duplicate)
    {
        final Request request = inFlight.remove(correlationId);
        if (request instanceof SubmitRequest)
        {
            ((SubmitRequest)request).ack(messageId, duplicate);
        }
        else
        {
            unexpectedAnswer("ACK", correlationId, request);
        }
    }

    void onNack(final long correlationId, final ErrorCode code, final String detail)
    {
        final Request request = inFlight.remove(correlationId);
        if (request == null)
        {
            unexpectedAnswer("NACK", correlationId, null);
            return;
        }
        request.nack(code, detail);
    }

    /** An ERROR after the handshake: fails the request it names, if any; the connection stays. */
    void onError(final long correlationId, final ErrorCode code, final String detail)
    {
        final Request request = correlationId != 0 ? inFlight.remove(correlationId) : null;
        ErrorLog.warnOnce("error-" + code, "engine " + endpoint + " sent ERROR " + code + " (" + code.code() +
            "): " + detail + (request != null ? " about request " + correlationId : ""), null);
        if (request != null)
        {
            request.fail(new DispatchException(DispatchException.Kind.ERROR, code, detail));
        }
    }

    void onStatusResult(
        final long correlationId,
        final long messageId,
        final int stateCode,
        final int attempts,
        final int reasonCode,
        final long updatedAtEpochMs,
        final int channelCode,
        final int kindCode)
    {
        final Request request = inFlight.remove(correlationId);
        if (request instanceof StatusRequest)
        {
            ((StatusRequest)request).complete(new StatusResult(messageId, DeliveryState.of(stateCode), attempts,
                Reason.of(reasonCode), updatedAtEpochMs, ChannelType.of(channelCode), MessageKind.of(kindCode)));
        }
        else
        {
            unexpectedAnswer("STATUS_RESULT", correlationId, request);
        }
    }

    void onExplainResult(
        final long correlationId, final int decision, final int channel, final boolean priority, final int reason,
        final long at, final int fallbackChannel, final int fallbackDecision, final int fallbackReason,
        final String fallbackAddress, final int windowState, final int windowTag, final long windowLastMs)
    {
        final Request request = inFlight.remove(correlationId);
        if (request instanceof ExplainRequest)
        {
            final Decision d = Decision.of(decision);
            final boolean fallback = fallbackChannel != 0;
            ((ExplainRequest)request).complete(new Explanation(d, ChannelType.of(channel), priority, Reason.of(reason),
                d == Decision.DEFER ? at : 0, d == Decision.DUPLICATE ? at : -1,
                fallback ? ChannelType.of(fallbackChannel) : null, fallback ? Decision.of(fallbackDecision) : null,
                fallback ? Reason.of(fallbackReason) : Reason.NONE, fallback ? fallbackAddress : null,
                Explanation.ConversationWindow.of(windowState, windowTag, windowLastMs)));
        }
        else
        {
            unexpectedAnswer("EXPLAIN_RESULT", correlationId, request);
        }
    }

    void onCancelResult(final long correlationId, final long messageId, final int result)
    {
        final Request request = inFlight.remove(correlationId);
        if (request instanceof CancelRequest)
        {
            ((CancelRequest)request).complete(new CancelResult(messageId, result == Frames.CANCEL_DONE));
        }
        else
        {
            unexpectedAnswer("CANCEL_RESULT", correlationId, request);
        }
    }

    /** An answer with a body of its own type ({@link AnswerRequest}): the request decodes it. */
    void onAnswer(final long correlationId, final byte type, final ByteBuf frame, final int body, final int bodyLength)
    {
        final Request request = inFlight.remove(correlationId);
        if (request instanceof AnswerRequest && ((AnswerRequest<?>)request).answerType() == type)
        {
            final String malformed = ((AnswerRequest<?>)request).answer(frame, body, bodyLength);
            if (malformed != null)
            {
                protocolError.accept(malformed);
            }
        }
        else
        {
            unexpectedAnswer(MessageType.name(type), correlationId, request);
        }
    }

    void onOk(final long correlationId)
    {
        final Request request = inFlight.remove(correlationId);
        if (request instanceof ConsentRequest)
        {
            ((ConsentRequest)request).complete(null);
            return;
        }
        if (request instanceof SubscribeRequest)
        {
            final SubscribeRequest subscribe = (SubscribeRequest)request;
            if (subscribe.ok())
            {
                if (subscribe.isRestore())
                {
                    subscriptions.confirmRestore(subscribe);
                }
                else
                {
                    subscriptions.add(subscribe);
                }
            }
        }
        else
        {
            unexpectedAnswer("OK", correlationId, request);
        }
    }

    void onPong(final long correlationId, final long payload)
    {
        final Request request = inFlight.remove(correlationId);
        if (request instanceof PingRequest)
        {
            ((PingRequest)request).complete(System.nanoTime() - payload);
        }
        else
        {
            unexpectedAnswer("PONG", correlationId, request);
        }
    }

    void onReceipt(
        final long messageId, final int stateCode, final int attempts, final int reasonCode, final long atMs, final int channel,
        final long position)
    {
        subscriptions.onReceipt(messageId, DeliveryState.of(stateCode), attempts, Reason.of(reasonCode), atMs,
            ChannelType.of(channel), position);
    }

    void onInbound(final InboundMessage message)
    {
        subscriptions.onInbound(message);
    }

    void onReceiptsDropped(final int count)
    {
        subscriptions.onReceiptsDropped(count);
    }

    private void unexpectedAnswer(final String type, final long correlationId, final Request request)
    {
        if (request == null)
        {
            // Normal after a timeout: the answer came late.
            LOG.debug("{} for unknown or expired correlation id {}", type, correlationId);
            return;
        }
        final String message = type + " does not answer a " + request.getClass().getSimpleName();
        request.fail(new DispatchException(DispatchException.Kind.ERROR, ErrorCode.INTERNAL, message));
        ErrorLog.warnOnce("unexpected-" + type, "protocol violation by " + endpoint + ": " + message, null);
    }
}
