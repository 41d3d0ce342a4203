package io.dispatch.connector.http;

import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The shared HTTP client against real loopback servers: keep-alive, closing servers, oversized and absent answers. */
@Timeout(120)
class HttpClientTransportTest
{
    private final EventLoopGroup group = LoopGroups.single("transport-test");
    private HttpClientTransport transport;
    private HttpReceiver server;

    @AfterEach
    void stop()
    {
        if (transport != null)
        {
            transport.close();
        }
        if (server != null)
        {
            server.close();
        }
        LoopGroups.shutdown(group);
    }

    /** What the listener saw: "status body" or "error timedOut". */
    private static CompletableFuture<String> post(final HttpClientTransport t, final String body)
    {
        final CompletableFuture<String> f = new CompletableFuture<>();
        t.post("/x", new DefaultHttpHeaders(), body.getBytes(StandardCharsets.UTF_8), new HttpResponseListener()
        {
            @Override
            public void onResponse(final int status, final HttpHeaders headers, final String text)
            {
                if (!f.complete(status + " " + text))
                {
                    f.obtrudeException(new AssertionError("second answer"));
                }
            }

            @Override
            public void onError(final Throwable cause, final boolean timedOut)
            {
                if (!f.complete("error " + timedOut))
                {
                    f.obtrudeException(new AssertionError("second answer"));
                }
            }
        });
        return f;
    }

    private HttpClientTransport client(final int port, final int maxConnections, final long timeoutMs, final int maxAnswer)
    {
        return new HttpClientTransport(group.next(), URI.create("http://127.0.0.1:" + port), null, maxConnections,
            1_000, timeoutMs, maxAnswer);
    }

    @Test
    void shouldReuseConnectionsAndSurviveServersThatClose() throws Exception
    {
        final AtomicInteger n = new AtomicInteger();
        server = HttpReceiver.start(group, "127.0.0.1", 0, null, 1 << 16, r ->
            new HttpReceiver.Answer(200, "{\"n\":" + n.incrementAndGet() + "}",
                n.get() % 3 == 0 ? Map.of("Connection", "close") : Map.of()));
        transport = client(server.port(), 2, 30_000, 1 << 16);
        for (int i = 0; i < 60; i++)
        {
            assertThat(post(transport, "{}").get(40, TimeUnit.SECONDS)).startsWith("200 {\"n\":");
        }
        final CompletableFuture<?>[] parallel = new CompletableFuture<?>[100];
        for (int i = 0; i < parallel.length; i++)
        {
            parallel[i] = post(transport, "{}");
        }
        CompletableFuture.allOf(parallel).get(60, TimeUnit.SECONDS);
        for (final CompletableFuture<?> f : parallel)
        {
            assertThat((String)f.get()).startsWith("200 ");
        }
    }

    @Test
    void shouldFailOversizedAnswersAndCarryOn() throws Exception
    {
        server = HttpReceiver.start(group, "127.0.0.1", 0, null, 1 << 16, r ->
            HttpReceiver.Answer.of(200, r.content().readableBytes() > 2 ? "x".repeat(5_000) : "ok"));
        transport = client(server.port(), 1, 30_000, 1_024);
        assertThat(post(transport, "big").get(40, TimeUnit.SECONDS)).isEqualTo("error false");
        assertThat(post(transport, "{}").get(40, TimeUnit.SECONDS)).isEqualTo("200 ok");
    }

    @Test
    void shouldFailWhenTheServerDropsTheConnectionOrNeverAnswers() throws Exception
    {
        try (ServerSocket dropper = new ServerSocket(0, 50, InetAddress.getLoopbackAddress()))
        {
            final Thread t = new Thread(() ->
            {
                try
                {
                    while (true)
                    {
                        final Socket s = dropper.accept();
                        s.getInputStream().read();
                        s.close();
                    }
                }
                catch (final Exception ignored)
                {
                    // closed by the test
                }
            });
            t.setDaemon(true);
            t.start();
            transport = client(dropper.getLocalPort(), 1, 30_000, 1_024);
            assertThat(post(transport, "{}").get(40, TimeUnit.SECONDS)).isEqualTo("error false");
        }
        transport.close();
        server = HttpReceiver.start(group, "127.0.0.1", 0, null, 1 << 16, r -> null);
        transport = client(server.port(), 1, 200, 1_024);
        assertThat(post(transport, "{}").get(40, TimeUnit.SECONDS)).isEqualTo("error true");
        transport.close();
        assertThat(post(transport, "{}").get(40, TimeUnit.SECONDS)).as("after close").isEqualTo("error false");
        transport = null;
    }
}
