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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends to FCM HTTP v1 over HTTP/2 with the JDK's {@link HttpClient}: one multiplexed TLS connection,
 * ALPN, asynchronous sends, no dependency beyond the JDK. {@link #send} builds the JSON body on the lane
 * thread and hands the request over; answers arrive on the client's executor and become exactly one
 * callback. A 401 for our access token refreshes it and resends once. A semaphore caps requests in flight
 * (keep it at or below the server's concurrent-stream limit, 100 at Google). Thread-safe after start.
 */
final class FcmConnector implements Connector
{
    private final FcmSettings settings;
    private final Semaphore inFlight;
    private ExecutorService executor;
    private HttpClient http;
    private AccessTokens tokens;
    private ReceiptSink receipts;
    private EpochClock clock;

    FcmConnector(final FcmSettings settings)
    {
        this.settings = settings;
        this.inFlight = new Semaphore(settings.maxInFlight());
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
        http = builder.build();
        tokens = new AccessTokens(settings.account(), settings.tokenUri(), http, clock,
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
        if (!inFlight.tryAcquire())
        {
            callback.onFailed(request, Reason.PROVIDER_THROTTLED, 0);
            return;
        }
        attempt(request, callback, body, true);
    }

    private void attempt(final DeliveryRequest request, final DeliveryCallback callback, final String body, final boolean mayRefresh)
    {
        final AccessTokens.Token[] used = new AccessTokens.Token[1];
        tokens.token()
            .thenCompose(token ->
            {
                used[0] = token;
                return http.sendAsync(post(body, token), HttpResponse.BodyHandlers.ofString());
            })
            .whenComplete((response, error) ->
            {
                if (error == null && mayRefresh && FcmResults.accessTokenRefused(response.statusCode(), response.body()))
                {
                    tokens.invalidate(used[0]);
                    attempt(request, callback, body, false);
                    return;
                }
                inFlight.release();
                verdict(response, error).apply(request, callback, receipts);
            });
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
        http = null;
    }
}
