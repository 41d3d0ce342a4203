package io.dispatch.connector.talktalk;

import io.dispatch.connector.InboundEvent;
import io.dispatch.connector.InboundSink;
import io.dispatch.connector.http.HttpReceiver;
import io.dispatch.connector.http.InboundOffers;
import io.dispatch.json.Json;
import io.dispatch.protocol.ChannelType;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.agrona.concurrent.EpochClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The partner webhook TalkTalk posts user events to. Each event becomes one {@link InboundEvent}:
 * {@code friend} {@code set:off} and {@code leave} withdraw the user's consent on the channel, {@code friend on}
 * grants it, {@code send} is a user message; {@code open}, {@code echo}, {@code action} and events added later are
 * passed on as events. The answer is 200 with an empty body (TalkTalk would send a JSON body to the user as a reply)
 * once the event is journaled, 503 when the engine refused it, so TalkTalk retries; a body that is not an event
 * gets 400 and is not journaled.
 * <p>Runs on the connector's event loop.
 */
final class TalkTalkWebhookHandler implements HttpReceiver.AsyncHandler
{
    private static final Logger LOG = LoggerFactory.getLogger(TalkTalkWebhookHandler.class);
    private static final HttpReceiver.Answer OK = HttpReceiver.Answer.of(200, "");
    private static final HttpReceiver.Answer RETRY =
        HttpReceiver.Answer.of(503, "{\"error\":\"not journaled, send again\"}");

    private final TalkTalkSettings settings;
    private final InboundSink sink;
    private final EpochClock clock;
    final AtomicLong events = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong consentChanges = new AtomicLong();

    TalkTalkWebhookHandler(final TalkTalkSettings settings, final InboundSink sink, final EpochClock clock)
    {
        this.settings = settings;
        this.sink = sink;
        this.clock = clock;
    }

    @Override
    public CompletableFuture<HttpReceiver.Answer> handle(final FullHttpRequest request)
    {
        if (!new QueryStringDecoder(request.uri()).path().equals(settings.webhookPath()))
        {
            return refuse(404, "unknown path");
        }
        if (!HttpMethod.POST.equals(request.method()))
        {
            return refuse(405, "POST only");
        }
        final String raw = request.content().toString(StandardCharsets.UTF_8);
        final Object body;
        try
        {
            body = Json.parse(raw);
        }
        catch (final IllegalArgumentException ex)
        {
            return refuse(400, ex.getMessage());
        }
        final String event = Json.string(body, "event");
        final String user = Json.string(body, "user");
        if (event == null || event.isEmpty())
        {
            return refuse(400, "field 'event' missing");
        }
        if (user == null || user.isEmpty())
        {
            return refuse(400, "field 'user' missing");
        }
        final InboundEvent.Kind kind = kind(event, Json.string(Json.member(body, "options"), "set"));
        if (kind == null)
        {
            return refuse(400, "friend event with options.set neither 'on' nor 'off'");
        }
        events.incrementAndGet();
        if (kind == InboundEvent.Kind.CONSENT_GRANTED || kind == InboundEvent.Kind.CONSENT_WITHDRAWN)
        {
            consentChanges.incrementAndGet();
        }
        final String text = kind == InboundEvent.Kind.MESSAGE ? text(body) : "";
        final InboundEvent inbound = new InboundEvent(kind, settings.tenant(), ChannelType.TALKTALK, user,
            settings.partnerId(), 0, text, raw, "", clock.time());
        return InboundOffers.offerAll(sink, List.of(inbound), OK, RETRY, settings.webhookAnswerTimeoutMs());
    }

    /** @return the kind of an event, or null for a {@code friend} event that says neither on nor off. */
    static InboundEvent.Kind kind(final String event, final String set)
    {
        switch (event)
        {
            case "send":
                return InboundEvent.Kind.MESSAGE;
            case "leave":
                // the user left the chat room: no more business messages until they come back (friend on or a message)
                return InboundEvent.Kind.CONSENT_WITHDRAWN;
            case "friend":
                return "on".equals(set) ? InboundEvent.Kind.CONSENT_GRANTED :
                    "off".equals(set) ? InboundEvent.Kind.CONSENT_WITHDRAWN : null;
            default:
                return InboundEvent.Kind.EVENT;
        }
    }

    /** The user's text; for an image, its TalkTalk URL (kept forever by TalkTalk), so a text-only subscriber sees it. */
    private static String text(final Object body)
    {
        final String text = Json.string(Json.member(body, "textContent"), "text");
        if (text != null)
        {
            return text;
        }
        final String image = Json.string(Json.member(body, "imageContent"), "imageUrl");
        return image != null ? image : "";
    }

    private CompletableFuture<HttpReceiver.Answer> refuse(final int status, final String why)
    {
        if (refused.getAndIncrement() == 0)
        {
            // the first refusal is logged (a wrong webhook URL or a proxy mangling bodies shows at once); later ones are counted
            LOG.warn("event=talktalk_webhook_refused status={} why={}", status, why);
        }
        final StringBuilder body = new StringBuilder("{\"error\":");
        Json.quote(body, why).append('}');
        return CompletableFuture.completedFuture(HttpReceiver.Answer.of(status, body.toString()));
    }
}
