package io.dispatch.connector.webhook;

import io.dispatch.connector.http.HttpReceiver;
import io.dispatch.connector.http.HttpReceiver.Answer;
import io.dispatch.json.Json;
import io.dispatch.connector.http.LoopGroups;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.ssl.SslContext;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToIntFunction;

/**
 * An HTTPS webhook receiver in the test tree that does what docs/connectors/webhook.md asks of receivers:
 * recompute HMAC-SHA256 over {@code timestamp "." body} and compare in constant time, refuse timestamps
 * outside the replay window, and deduplicate on the message id header. The status it answers is chosen by
 * the test per recipient (default 200).
 */
public final class WebhookReceiverPeer implements AutoCloseable
{
    static final long REPLAY_WINDOW_SECONDS = 300;

    /** One request that passed verification. */
    public record Delivery(Map<String, String> headers, Object body)
    {
    }

    private final byte[] secret;
    private final EventLoopGroup group = LoopGroups.single("webhook-peer");
    private final HttpReceiver server;
    private final ConcurrentLinkedQueue<Delivery> deliveries = new ConcurrentLinkedQueue<>();
    private final java.util.Set<String> seenIds = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final AtomicLong delivered = new AtomicLong();
    private volatile boolean recordDeliveries = true;
    final AtomicLong badSignatures = new AtomicLong();
    final AtomicLong staleTimestamps = new AtomicLong();
    final AtomicLong duplicates = new AtomicLong();
    private volatile ToIntFunction<String> statusByRecipient = r -> 200;
    private volatile Map<String, String> extraHeaders = Map.of();
    private volatile boolean stall;

    public WebhookReceiverPeer(final SslContext ssl, final String secret) throws InterruptedException
    {
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.server = HttpReceiver.start(group, "127.0.0.1", 0, ssl, 1 << 20, this::handle);
    }

    public int port()
    {
        return server.port();
    }

    WebhookReceiverPeer answer(final ToIntFunction<String> byRecipient, final Map<String, String> headers)
    {
        this.statusByRecipient = byRecipient;
        this.extraHeaders = headers;
        return this;
    }

    WebhookReceiverPeer stall(final boolean stall)
    {
        this.stall = stall;
        return this;
    }

    /** Keeps only counts (for throughput runs). */
    public WebhookReceiverPeer recordDeliveries(final boolean record)
    {
        this.recordDeliveries = record;
        return this;
    }

    public long delivered()
    {
        return delivered.get();
    }

    public List<Delivery> deliveries()
    {
        return new ArrayList<>(deliveries);
    }

    @Override
    public void close()
    {
        server.close();
        LoopGroups.shutdown(group);
    }

    private Answer handle(final FullHttpRequest request)
    {
        if (stall)
        {
            return null;
        }
        final byte[] body = new byte[request.content().readableBytes()];
        request.content().getBytes(request.content().readerIndex(), body);
        final String timestamp = request.headers().get("X-Dispatch-Timestamp");
        final String signature = request.headers().get("X-Dispatch-Signature");
        final String messageId = request.headers().get("X-Dispatch-Message-Id");
        if (timestamp == null || signature == null || messageId == null)
        {
            badSignatures.incrementAndGet();
            return Answer.of(400, "{\"error\":\"missing signature headers\"}");
        }
        if (!MessageDigest.isEqual(expected(timestamp, body).getBytes(StandardCharsets.US_ASCII),
            signature.getBytes(StandardCharsets.US_ASCII)))
        {
            badSignatures.incrementAndGet();
            return Answer.of(401, "{\"error\":\"bad signature\"}");
        }
        final long age = System.currentTimeMillis() / 1000 - Long.parseLong(timestamp);
        if (Math.abs(age) > REPLAY_WINDOW_SECONDS)
        {
            staleTimestamps.incrementAndGet();
            return Answer.of(401, "{\"error\":\"timestamp outside the replay window\"}");
        }
        final Object json = Json.parse(new String(body, StandardCharsets.UTF_8));
        final int status = statusByRecipient.applyAsInt((String)Json.member(json, "recipient"));
        if (status >= 200 && status < 300)
        {
            if (!seenIds.add(messageId))
            {
                // already have it: acknowledge again without acting twice
                duplicates.incrementAndGet();
                return Answer.of(200, "{}");
            }
            delivered.incrementAndGet();
            if (recordDeliveries)
            {
                final Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                request.headers().forEach(e -> headers.put(e.getKey(), e.getValue()));
                deliveries.add(new Delivery(headers, json));
            }
        }
        return new Answer(status, "{}", extraHeaders);
    }

    private String expected(final String timestamp, final byte[] body)
    {
        try
        {
            final Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
            return "v1=" + HexFormat.of().formatHex(mac.doFinal(body));
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
