package io.dispatch.connector.fcm;

import io.dispatch.connector.Connector;
import io.dispatch.connector.ConnectorContext;
import io.dispatch.connector.DeliveryCallback;
import io.dispatch.connector.DeliveryRequest;
import io.dispatch.connector.ReceiptSink;
import io.dispatch.connector.push.PushFields;
import io.dispatch.connector.push.PushRecipient;
import io.dispatch.connector.push.Verdict;
import io.dispatch.protocol.Reason;
import org.agrona.concurrent.EpochClock;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends to FCM HTTP v1 over HTTP/2 with the JDK's {@link HttpClient}: multiplexed TLS connections, ALPN,
 * asynchronous sends, no dependency beyond the JDK. {@link #send} builds the JSON body on the lane thread
 * and hands the request over; answers arrive on the client's executor and become exactly one callback.
 * A 401 for our access token refreshes it and resends once.
 * <p>
 * A JDK client keeps one HTTP/2 connection per host and fails (rather than queues) requests beyond the
 * server's concurrent-stream limit (JDK-8225647; Google allows 100). So each of {@code connections}
 * clients has its own semaphore of {@code maxInFlight} permits, and sends go round-robin to a client
 * with a free permit. Thread-safe after start; {@link #send} on the lane thread only.
 */
final class FcmConnector implements Connector
{
    /**
     * One HTTP/2 connection (a client of its own) and its in-flight permits. Until the first answer
     * arrives it allows one request: a JDK client opens a TLS connection per request while it has no
     * HTTP/2 connection to the host yet, and learns the server's stream limit only from that answer.
     */
    private record Channel(HttpClient http, Semaphore inFlight, AtomicBoolean opened, int maxInFlight)
    {
        void onAnswer()
        {
            if (!opened.get() && opened.compareAndSet(false, true))
            {
                inFlight.release(maxInFlight - 1);
            }
        }
    }

    private final FcmSettings settings;
    private Channel[] channels;
    private int next;
    private ExecutorService executor;
    private AccessTokens tokens;
    private ReceiptSink receipts;
    private EpochClock clock;

    FcmConnector(final FcmSettings settings)
    {
        this.settings = settings;
    }

    @Override
    public String version()
    {
        return "fcm-1 jdk-httpclient " + settings;
    }

    @Override
    public void start(final ConnectorContext context) throws Exception
    {
        receipts = context.receipts();
        clock = context.clock();
        final AtomicInteger threadIds = new AtomicInteger();
        executor = Executors.newFixedThreadPool(settings.threads(), r ->
        {
            final Thread t = new Thread(r, "fcm-" + context.laneName() + "-" + threadIds.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        final HttpClient.Builder builder = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_2)
            .connectTimeout(Duration.ofMillis(settings.connectTimeoutMs()))
            .executor(executor);
        if (settings.trustedCaFile() != null)
        {
            builder.sslContext(trusting(settings.trustedCaFile()));
        }
        channels = new Channel[settings.connections()];
        for (int i = 0; i < channels.length; i++)
        {
            channels[i] = new Channel(builder.build(), new Semaphore(1), new AtomicBoolean(), settings.maxInFlight());
        }
        tokens = new AccessTokens(settings.account(), settings.tokenUri(), channels[0].http(), clock,
            settings.tokenRefreshMarginMs(), settings.requestTimeoutMs());
        tokens.token(); // warm up: the first sends need not wait for the grant
    }

    @Override
    public void send(final DeliveryRequest request, final DeliveryCallback callback)
    {
        final String token = PushRecipient.fcmToken(request.recipient());
        if (token == null)
        {
            callback.onRejected(request, Reason.INVALID_RECIPIENT);
            return;
        }
        final String body;
        try
        {
            body = FcmMessageWriter.write(token, request.kind(), request.renderText(), PushFields.of(request),
                request.deadlineMs(), clock.time());
        }
        catch (final FcmMessageWriter.InvalidMessage ex)
        {
            callback.onRejected(request, ex.tooLarge ? Reason.PAYLOAD_TOO_LARGE : Reason.CONTENT_REJECTED);
            return;
        }
        catch (final IllegalArgumentException badVariable)
        {
            callback.onRejected(request, Reason.CONTENT_REJECTED);
            return;
        }
        final Channel channel = freeChannel();
        if (channel == null)
        {
            // every connection is at its stream limit: slow the lane instead of failing in the JDK client
            callback.onFailed(request, Reason.PROVIDER_THROTTLED, 0);
            return;
        }
        attempt(channel, request, callback, body, true);
    }

    private Channel freeChannel()
    {
        for (int i = 0; i < channels.length; i++)
        {
            final Channel c = channels[next];
            next = next + 1 == channels.length ? 0 : next + 1;
            if (c.inFlight().tryAcquire())
            {
                return c;
            }
        }
        return null;
    }

    private void attempt(
        final Channel channel, final DeliveryRequest request, final DeliveryCallback callback, final String body, final boolean mayRefresh)
    {
        final AccessTokens.Token[] used = new AccessTokens.Token[1];
        tokens.token()
            .thenCompose(token ->
            {
                used[0] = token;
                return channel.http().sendAsync(post(body, token), HttpResponse.BodyHandlers.ofString());
            })
            .whenComplete((response, error) -> onAnswer(channel, request, callback, body, mayRefresh, used[0], response, error));
    }

    private void onAnswer(
        final Channel channel,
        final DeliveryRequest request,
        final DeliveryCallback callback,
        final String body,
        final boolean mayRefresh,
        final AccessTokens.Token used,
        final HttpResponse<String> response,
        final Throwable error)
    {
        if (error == null)
        {
            channel.onAnswer();
        }
        if (error == null && mayRefresh && FcmResults.accessTokenRefused(response.statusCode(), response.body()))
        {
            try
            {
                tokens.invalidate(used);
                attempt(channel, request, callback, body, false);
                return;
            }
            catch (final RuntimeException ex)
            {
                channel.inFlight().release();
                callback.onFailed(request, Reason.PROVIDER_ERROR, 0); // never lose the callback
                return;
            }
        }
        channel.inFlight().release();
        verdict(response, error).apply(request, callback, receipts);
    }

    private Verdict verdict(final HttpResponse<String> response, final Throwable error)
    {
        try
        {
            return error != null ? FcmResults.failure(error) : FcmResults.map(response.statusCode(), response.body(),
                response.headers().firstValue("retry-after").orElse(null), clock.time());
        }
        catch (final RuntimeException ex)
        {
            return Verdict.fail(Reason.PROVIDER_ERROR, 0); // never lose the callback to a mapping bug
        }
    }

    private HttpRequest post(final String body, final AccessTokens.Token token)
    {
        return HttpRequest.newBuilder(settings.sendUri())
            .timeout(Duration.ofMillis(settings.requestTimeoutMs()))
            .header("authorization", "Bearer " + token.value())
            .header("content-type", "application/json; charset=UTF-8")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    }

    /** An SSL context that trusts the CA certificates in a PEM file (tests, private gateways). */
    private static SSLContext trusting(final java.nio.file.Path caFile) throws Exception
    {
        final KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(caFile))
        {
            int i = 0;
            for (final Certificate ca : CertificateFactory.getInstance("X.509").generateCertificates(in))
            {
                store.setCertificateEntry("ca-" + i++, ca);
            }
        }
        final TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        final SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    @Override
    public void stop()
    {
        if (executor != null)
        {
            executor.shutdown();
            try
            {
                executor.awaitTermination(5, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            executor.shutdownNow();
        }
        // JDK 17's HttpClient has no close(); its selector thread ends once the client is unreachable
        channels = null;
    }
}
