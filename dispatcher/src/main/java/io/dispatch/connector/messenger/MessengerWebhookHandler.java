package io.dispatch.connector.messenger;

import io.dispatch.connector.InboundEvent;
import io.dispatch.connector.InboundSink;
import io.dispatch.connector.http.HttpReceiver;
import io.dispatch.connector.http.InboundOffers;
import io.dispatch.json.Json;
import io.dispatch.protocol.ChannelType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.agrona.concurrent.EpochClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The webhook Meta posts a Page's messaging events to. Every POST is checked first: {@code X-Hub-Signature-256}
 * must be {@code sha256=} and the HMAC-SHA256 of the raw body with the app secret, else 403, a counter, and nothing
 * journaled. Each {@code entry[].messaging[]} item of this Page becomes one {@link InboundEvent}: a user's
 * {@code message} or {@code postback} is a MESSAGE (it opens the 24 h window), an echo of the Page's own message,
 * {@code read}, {@code delivery} and others are EVENTs. The answer is 200 once all are journaled, 503 when one was
 * refused (Meta redelivers the batch; the message ids let the engine journal a redelivered one once).
 * A GET with {@code hub.mode=subscribe} and the verify token answers {@code hub.challenge} (the subscription check).
 * <p>Runs on the connector's event loop.
 */
final class MessengerWebhookHandler implements HttpReceiver.AsyncHandler
{
    static final String SIGNATURE_HEADER = "X-Hub-Signature-256";
    private static final Logger LOG = LoggerFactory.getLogger(MessengerWebhookHandler.class);
    private static final HttpReceiver.Answer OK = HttpReceiver.Answer.of(200, "");
    private static final HttpReceiver.Answer RETRY =
        HttpReceiver.Answer.of(503, "{\"error\":\"not journaled, send again\"}");

    private final MessengerSettings settings;
    private final InboundSink sink;
    private final EpochClock clock;
    private final Mac mac;
    private final java.util.function.ToLongFunction<String> sentMessageId;
    final AtomicLong events = new AtomicLong();
    final AtomicLong badSignatures = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong otherPages = new AtomicLong();

    /** @param sentMessageId our message id for a Meta message id the Page sent, 0 when unknown. */
    MessengerWebhookHandler(
        final MessengerSettings settings, final InboundSink sink, final EpochClock clock,
        final java.util.function.ToLongFunction<String> sentMessageId)
        throws GeneralSecurityException
    {
        this.sentMessageId = sentMessageId;
        this.settings = settings;
        this.sink = sink;
        this.clock = clock;
        this.mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(settings.appSecret().bytes(), "HmacSHA256"));
    }

    @Override
    public CompletableFuture<HttpReceiver.Answer> handle(final FullHttpRequest request)
    {
        final QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        if (!uri.path().equals(settings.webhookPath()))
        {
            return refuse(404, "unknown path");
        }
        if (HttpMethod.GET.equals(request.method()))
        {
            return subscription(uri.parameters());
        }
        if (!HttpMethod.POST.equals(request.method()))
        {
            return refuse(405, "GET or POST only");
        }
        if (!signed(request.content(), request.headers().get(SIGNATURE_HEADER)))
        {
            if (badSignatures.getAndIncrement() == 0)
            {
                LOG.warn("event=messenger_webhook_bad_signature lane_page={} fix=\"check appSecretFile is the app's "
                    + "secret (App Dashboard > Settings > Basic)\"", settings.pageId());
            }
            return CompletableFuture.completedFuture(HttpReceiver.Answer.of(403, "{\"error\":\"bad signature\"}"));
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
        if (!"page".equals(Json.string(body, "object")) || !(Json.member(body, "entry") instanceof List<?> entries))
        {
            return refuse(400, "not a page event: 'object' must be \"page\" with an 'entry' list");
        }
        final List<InboundEvent> inbound = new ArrayList<>();
        for (final Object entry : entries)
        {
            if (!settings.pageId().equals(Json.string(entry, "id")))
            {
                // another Page of the same app: its own lane (or none) takes it
                otherPages.incrementAndGet();
                continue;
            }
            if (Json.member(entry, "messaging") instanceof List<?> messaging)
            {
                for (final Object item : messaging)
                {
                    final InboundEvent e = event(item, raw);
                    if (e == null)
                    {
                        return refuse(400, "a messaging item without sender.id and recipient.id");
                    }
                    inbound.add(e);
                }
            }
        }
        events.addAndGet(inbound.size());
        return InboundOffers.offerAll(sink, inbound, OK, RETRY, settings.webhookAnswerTimeoutMs());
    }

    /** @param payload the whole webhook body: the platform's event as received, for upstream services. */
    private InboundEvent event(final Object item, final String payload)
    {
        final String sender = Json.string(Json.member(item, "sender"), "id");
        final String recipient = Json.string(Json.member(item, "recipient"), "id");
        if (sender == null || recipient == null)
        {
            return null;
        }
        final long now = clock.time();
        final Object message = Json.member(item, "message");
        if (message != null)
        {
            final String mid = orEmpty(Json.string(message, "mid"));
            if (Boolean.TRUE.equals(Json.member(message, "is_echo")))
            {
                // the Page's own message echoed back: the user is the recipient; it opens no window
                return new InboundEvent(InboundEvent.Kind.EVENT, settings.tenant(), ChannelType.MESSENGER, recipient,
                    sender, 0, "", payload, "echo:" + mid, now);
            }
            // a swipe-reply names the message it answers: ours, if we sent it recently
            final String replyTo = Json.string(Json.member(message, "reply_to"), "mid");
            return new InboundEvent(InboundEvent.Kind.MESSAGE, settings.tenant(), ChannelType.MESSENGER, sender,
                recipient, replyTo == null ? 0 : sentMessageId.applyAsLong(replyTo),
                orEmpty(Json.string(message, "text")), payload, mid, now);
        }
        final Object postback = Json.member(item, "postback");
        if (postback != null)
        {
            // a button the user pressed: Meta counts it as the user's message for the 24 h window
            return new InboundEvent(InboundEvent.Kind.MESSAGE, settings.tenant(), ChannelType.MESSENGER, sender,
                recipient, 0, orEmpty(Json.string(postback, "title")), payload, orEmpty(Json.string(postback, "mid")), now);
        }
        return new InboundEvent(InboundEvent.Kind.EVENT, settings.tenant(), ChannelType.MESSENGER, sender, recipient, 0,
            "", payload, "", now);
    }

    private CompletableFuture<HttpReceiver.Answer> subscription(final Map<String, List<String>> query)
    {
        final String mode = first(query, "hub.mode");
        final String token = first(query, "hub.verify_token");
        final String challenge = first(query, "hub.challenge");
        if (settings.verifyToken() == null || !"subscribe".equals(mode) || challenge == null
            || !settings.verifyToken().matches(token))
        {
            return refuse(403, "subscription check failed (hub.mode, hub.verify_token or verifyTokenFile)");
        }
        return CompletableFuture.completedFuture(HttpReceiver.Answer.of(200, challenge));
    }

    /** Constant-time check of {@code sha256=<hex>} against the HMAC of the exact bytes received. */
    boolean signed(final ByteBuf body, final String header)
    {
        if (header == null || !header.startsWith("sha256="))
        {
            return false;
        }
        final byte[] expected;
        try
        {
            expected = HexFormat.of().parseHex(header, 7, header.length());
        }
        catch (final IllegalArgumentException ex)
        {
            return false;
        }
        mac.update(ByteBufUtil.getBytes(body));
        return MessageDigest.isEqual(mac.doFinal(), expected);
    }

    private static String first(final Map<String, List<String>> query, final String key)
    {
        final List<String> v = query.get(key);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static String orEmpty(final String s)
    {
        return s == null ? "" : s;
    }

    private CompletableFuture<HttpReceiver.Answer> refuse(final int status, final String why)
    {
        if (refused.getAndIncrement() == 0)
        {
            LOG.warn("event=messenger_webhook_refused status={} why={}", status, why);
        }
        final StringBuilder body = new StringBuilder("{\"error\":");
        Json.quote(body, why).append('}');
        return CompletableFuture.completedFuture(HttpReceiver.Answer.of(status, body.toString()));
    }
}
