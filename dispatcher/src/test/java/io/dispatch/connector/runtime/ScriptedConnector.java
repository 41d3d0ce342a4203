package io.dispatch.connector.runtime;

import io.dispatch.connector.Connector;
import io.dispatch.connector.ConnectorContext;
import io.dispatch.connector.DeliveryCallback;
import io.dispatch.connector.DeliveryRequest;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A provider the test answers by hand: every send is recorded (in order) and held until the test
 * accepts, rejects or fails it. Single-threaded: the test drives the lane and this connector.
 */
final class ScriptedConnector implements Connector
{
    /** @param text the rendered text, as a connector would send it. */
    record Sent(long messageId, MessageKind kind, String recipient, int attempt, long atMs, String text)
    {
    }

    final List<Sent> sent = new ArrayList<>();
    private final ArrayDeque<DeliveryRequest> held = new ArrayDeque<>();
    private DeliveryCallback callback;
    private ConnectorContext context;

    @Override
    public String version()
    {
        return "scripted";
    }

    @Override
    public void start(final ConnectorContext context)
    {
        this.context = context;
    }

    @Override
    public void send(final DeliveryRequest request, final DeliveryCallback callback)
    {
        this.callback = callback;
        sent.add(new Sent(request.messageId(), request.kind(), request.recipient(), request.attempt(), context.clock().time(),
            request.text()));
        held.add(request);
    }

    int outstanding()
    {
        return held.size();
    }

    /** Answers every outstanding send: on a chat lane, recipients starting with {@code nochat} are not users. */
    int acceptAll()
    {
        int n = 0;
        while (!held.isEmpty())
        {
            final DeliveryRequest r = held.poll();
            if (context.channel() == ChannelType.CHAT && r.recipient().startsWith("nochat"))
            {
                callback.onRejected(r, Reason.NOT_CHANNEL_USER);
            }
            else
            {
                callback.onAccepted(r);
            }
            n++;
        }
        return n;
    }

    /** Sends a receipt for a message the provider accepted, as a relay's result webhook would. */
    void receipt(final long messageId, final io.dispatch.protocol.DeliveryState state, final Reason reason)
    {
        context.receipts().onReceipt(messageId, state, reason);
    }

    /**
     * Answers every outstanding send, newest first (a provider answering out of order): {@code answer} returns
     * null to accept, or the reason to fail it with (PROVIDER_THROTTLED throttles). @return how many.
     */
    int answerNewestFirst(final java.util.function.Function<DeliveryRequest, Reason> answer)
    {
        int n = 0;
        while (!held.isEmpty())
        {
            final DeliveryRequest r = held.pollLast();
            final Reason failure = answer.apply(r);
            if (failure == null)
            {
                callback.onAccepted(r);
            }
            else
            {
                callback.onFailed(r, failure, 0);
            }
            n++;
        }
        return n;
    }

    void failAll(final Reason reason, final long retryAfterMs)
    {
        while (!held.isEmpty())
        {
            callback.onFailed(held.poll(), reason, retryAfterMs);
        }
    }

    /** Accepts the outstanding send of one message. */
    void accept(final long messageId)
    {
        callback.onAccepted(take(messageId));
    }

    /** Fails the outstanding send of one message (a transient failure). */
    void fail(final long messageId, final Reason reason)
    {
        callback.onFailed(take(messageId), reason, 0);
    }

    /** Rejects the outstanding send of one message. */
    void reject(final long messageId, final Reason reason)
    {
        callback.onRejected(take(messageId), reason);
    }

    private DeliveryRequest take(final long messageId)
    {
        for (final DeliveryRequest r : held)
        {
            if (r.messageId() == messageId)
            {
                held.remove(r);
                return r;
            }
        }
        throw new IllegalStateException("no outstanding send of message " + messageId);
    }

    void rejectAll(final Reason reason)
    {
        while (!held.isEmpty())
        {
            callback.onRejected(held.poll(), reason);
        }
    }

    @Override
    public void stop()
    {
    }
}
