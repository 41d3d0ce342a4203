package io.dispatch.connector;

import io.dispatch.connector.http.HttpReceiver;
import io.dispatch.connector.http.HttpReceiver.Answer;
import io.dispatch.connector.http.LoopGroups;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.ssl.SslContext;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The loopback half a chat platform test needs on both sides: a send API (HTTP or HTTPS) that records each request,
 * answers through the subclass's checks, and can be told to answer the next requests with a given status or not at
 * all; and a webhook caller that posts platform events to the connector through the JDK HttpClient (an HTTP stack
 * independent of the connector's), over TLS when the connector serves it.
 */
public abstract class ChatPlatformPeer implements AutoCloseable
{
    /** One request as the peer received it. */
    public record Received(String uri, Map<String, String> headers, String body)
    {
    }

    private final EventLoopGroup group;
    private final HttpReceiver server;
    private final boolean https;
    private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Answer> scripted = new ConcurrentLinkedQueue<>();
    private final AtomicInteger stallLeft = new AtomicInteger();
    private final ExecutorService webhookExecutor = Executors.newFixedThreadPool(2, r ->
    {
        final Thread t = new Thread(r, "chat-peer-webhook");
        t.setDaemon(true);
        return t;
    });
    private volatile HttpClient webhookClient;

    protected ChatPlatformPeer(final String name, final SslContext serverTls) throws InterruptedException
    {
        group = LoopGroups.single(name);
        https = serverTls != null;
        server = HttpReceiver.start(group, "127.0.0.1", 0, serverTls, 4 << 20, this::answer);
        webhookClient = HttpClient.newBuilder().executor(webhookExecutor).version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** What the platform answers a request that the script does not override. */
    protected abstract Answer handle(FullHttpRequest request, String body);

    public String baseUrl()
    {
        return (https ? "https" : "http") + "://127.0.0.1:" + server.port();
    }

    /** The next request gets this answer (queued after earlier scripted ones). */
    public void answerNext(final int status, final String body, final Map<String, String> headers)
    {
        scripted.add(new Answer(status, body, headers));
    }

    /** The next {@code count} requests get no answer at all (recorded: the platform did see them). */
    public void stallNext(final int count)
    {
        stallLeft.set(count);
    }

    public List<Received> received()
    {
        return new ArrayList<>(received);
    }

    /** Webhook calls trust this CA (the connector's webhook certificate's); null for plain HTTP webhooks. */
    public void trustWebhookCa(final X509Certificate ca) throws Exception
    {
        final KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        store.setCertificateEntry("ca", ca);
        final TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        final SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        webhookClient = HttpClient.newBuilder().executor(webhookExecutor).version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).sslContext(ssl).build();
    }

    /** Posts a webhook call; the future completes with the connector's answer. */
    public CompletableFuture<HttpResponse<String>> postWebhook(
        final URI target, final String body, final Map<String, String> headers)
    {
        final HttpRequest.Builder b = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json;charset=UTF-8")
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        headers.forEach(b::header);
        return webhookClient.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** A GET to the webhook (Messenger's subscription check). */
    public HttpResponse<String> getWebhook(final URI target) throws Exception
    {
        return webhookClient.send(HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(30)).GET().build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    @Override
    public void close()
    {
        server.close();
        LoopGroups.shutdown(group);
        webhookExecutor.shutdownNow();
    }

    private Answer answer(final FullHttpRequest request)
    {
        final Map<String, String> headers = new HashMap<>();
        request.headers().forEach(h -> headers.put(h.getKey(), h.getValue()));
        final String body = request.content().toString(StandardCharsets.UTF_8);
        received.add(new Received(request.uri(), headers, body));
        if (stallLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0)
        {
            return null;
        }
        final Answer next = scripted.poll();
        return next != null ? next : handle(request, body);
    }
}
