package io.dispatch.connector.apns;

import com.eatthepath.pushy.apns.ApnsClient;
import com.eatthepath.pushy.apns.ApnsClientBuilder;
import com.eatthepath.pushy.apns.DeliveryPriority;
import com.eatthepath.pushy.apns.PushNotificationResponse;
import com.eatthepath.pushy.apns.PushType;
import com.eatthepath.pushy.apns.util.ApnsPayloadBuilder;
import com.eatthepath.pushy.apns.util.SimpleApnsPayloadBuilder;
import com.eatthepath.pushy.apns.util.SimpleApnsPushNotification;
import io.dispatch.connector.Connector;
import io.dispatch.connector.ConnectorContext;
import io.dispatch.connector.ConnectorCounters;
import io.dispatch.connector.DeliveryCallback;
import io.dispatch.connector.DeliveryRequest;
import io.dispatch.connector.MetricsWriter;
import io.dispatch.connector.ReceiptSink;
import io.dispatch.connector.push.PushFields;
import io.dispatch.connector.push.PushRecipient;
import io.dispatch.connector.push.Verdict;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Sends to APNs over HTTP/2 with token (.p8) authentication through Pushy. {@link #send} checks the
 * message, builds the notification and hands it to Pushy's event loop; the answer arrives on that loop
 * and becomes exactly one callback. A semaphore caps notifications in flight (Pushy queues without
 * bound otherwise). Thread-safe after {@link #start}.
 */
final class ApnsConnector implements Connector
{
    static final int MAX_PAYLOAD_BYTES = 4096;
    static final int MAX_COLLAPSE_ID_BYTES = 64;

    private final ApnsSettings settings;
    private final Semaphore inFlight;
    private final ConnectorCounters counters = new ConnectorCounters();
    private EventLoopGroup eventLoop;
    private ApnsClient client;
    private ReceiptSink receipts;

    ApnsConnector(final ApnsSettings settings)
    {
        this.settings = settings;
        this.inFlight = new Semaphore(settings.maxInFlight());
    }

    @Override
    public String version()
    {
        return "apns-1 pushy " + settings;
    }

    @Override
    @SuppressWarnings("deprecation") // Pushy 0.15 maps NioEventLoopGroup to its channel class; 4.2's IoHandler groups it does not know
    public void start(final ConnectorContext context) throws Exception
    {
        receipts = context.receipts();
        eventLoop = new NioEventLoopGroup(settings.eventLoopThreads(), new DefaultThreadFactory("apns-" + context.laneName(), true));
        final ApnsClientBuilder builder = new ApnsClientBuilder()
            .setApnsServer(settings.host(), settings.port())
            .setSigningKey(settings.signingKey())
            .setEventLoopGroup(eventLoop)
            .setConcurrentConnections(settings.connections())
            .setConnectionTimeout(Duration.ofMillis(settings.connectTimeoutMs()))
            .setIdlePingInterval(Duration.ofMillis(settings.idlePingMs()));
        if (settings.trustedCaFile() != null)
        {
            builder.setTrustedServerCertificateChain(settings.trustedCaFile().toFile());
        }
        client = builder.build();
    }

    @Override
    public void send(final DeliveryRequest request, final DeliveryCallback callback)
    {
        final SimpleApnsPushNotification notification;
        try
        {
            notification = notification(request);
        }
        catch (final Rejection rejection)
        {
            counters.rejected(rejection.reason, -1);
            callback.onRejected(request, rejection.reason);
            return;
        }
        if (!inFlight.tryAcquire())
        {
            // the lane window is larger than maxInFlight: slow the lane instead of queueing in Pushy
            counters.failed(Reason.PROVIDER_THROTTLED, -1);
            callback.onFailed(request, Reason.PROVIDER_THROTTLED, 0);
            return;
        }
        counters.sent();
        final long startNs = System.nanoTime();
        client.sendNotification(notification)
            .orTimeout(settings.requestTimeoutMs(), TimeUnit.MILLISECONDS)
            .whenComplete((response, error) ->
            {
                inFlight.release();
                verdict(response, error).apply(request, callback, receipts, counters, System.nanoTime() - startNs);
            });
    }

    private static Verdict verdict(final PushNotificationResponse<SimpleApnsPushNotification> response, final Throwable error)
    {
        try
        {
            if (error != null)
            {
                return ApnsResults.failure(error);
            }
            return response.isAccepted() ? Verdict.ACCEPT :
                ApnsResults.map(response.getStatusCode(), response.getRejectionReason().orElse(null));
        }
        catch (final RuntimeException ex)
        {
            return Verdict.fail(Reason.PROVIDER_ERROR, 0); // never lose the callback to a mapping bug
        }
    }

    /** @throws Rejection when the message can never be sent as it is. */
    SimpleApnsPushNotification notification(final DeliveryRequest request)
    {
        final String token = PushRecipient.apnsToken(request.recipient());
        if (token == null)
        {
            throw new Rejection(Reason.INVALID_RECIPIENT);
        }
        final PushFields fields;
        try
        {
            fields = PushFields.of(request);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new Rejection(Reason.CONTENT_REJECTED);
        }
        final String collapseId = fields.collapseId();
        if (collapseId != null && (collapseId.isEmpty() || collapseId.getBytes(StandardCharsets.UTF_8).length > MAX_COLLAPSE_ID_BYTES))
        {
            throw new Rejection(Reason.CONTENT_REJECTED);
        }
        final String payload = payload(request.text(), fields);
        if (payload.getBytes(StandardCharsets.UTF_8).length > MAX_PAYLOAD_BYTES)
        {
            throw new Rejection(Reason.PAYLOAD_TOO_LARGE);
        }
        // Apple rejects priority 10 for background pushes; marketing may be grouped to save power
        final DeliveryPriority priority = fields.background() || request.kind() == MessageKind.MARKETING ?
            DeliveryPriority.CONSERVE_POWER : DeliveryPriority.IMMEDIATE;
        return new SimpleApnsPushNotification(
            token,
            settings.topic(),
            payload,
            Instant.ofEpochMilli(request.deadlineMs()),
            priority,
            fields.background() ? PushType.BACKGROUND : PushType.ALERT,
            collapseId,
            ApnsIds.toApnsId(request.messageId()));
    }

    private static String payload(final String text, final PushFields fields)
    {
        final ApnsPayloadBuilder builder = new SimpleApnsPayloadBuilder();
        if (fields.background())
        {
            // a silent push shows nothing: the text travels as data for the app to use
            builder.setContentAvailable(true);
            builder.addCustomProperty("body", text);
            if (fields.title() != null)
            {
                builder.addCustomProperty("title", fields.title());
            }
        }
        else
        {
            builder.setAlertBody(text);
            builder.setAlertTitle(fields.title());
            builder.setSound(fields.sound());
            builder.setBadgeNumber(fields.badge());
        }
        for (final Map.Entry<String, String> e : fields.data().entrySet())
        {
            if (e.getKey().equals("aps"))
            {
                throw new Rejection(Reason.CONTENT_REJECTED);
            }
            builder.addCustomProperty(e.getKey(), e.getValue());
        }
        return builder.build();
    }

    @Override
    public void writeMetrics(final MetricsWriter out)
    {
        counters.write(out);
        out.gauge("requests_in_flight", "notifications sent and not answered yet", settings.maxInFlight() - inFlight.availablePermits());
    }

    @Override
    public void stop()
    {
        try
        {
            if (client != null)
            {
                client.close().get(5, TimeUnit.SECONDS);
            }
        }
        catch (final Exception ex)
        {
            // closing is best effort: unanswered sends are dispatched again after restart
            if (ex instanceof InterruptedException)
            {
                Thread.currentThread().interrupt();
            }
        }
        finally
        {
            if (eventLoop != null)
            {
                eventLoop.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
        }
    }

    /** A message that can never be sent as it is; carries the reason, no stack trace. */
    static final class Rejection extends RuntimeException
    {
        private static final long serialVersionUID = 1L;
        final Reason reason;

        Rejection(final Reason reason)
        {
            super(reason.name(), null, false, false);
            this.reason = reason;
        }
    }
}
