package io.dispatch.cluster;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A webhook provider on loopback shared by every node of a test cluster: counts the requests per message text (the
 * nodes' own message ids can repeat across nodes, the tests' texts do not) and answers 200, at once or after a set
 * delay (a slow provider). Like a real receiver that does not deduplicate, a message sent twice is counted twice.
 */
final class TextCountingPeer implements AutoCloseable
{
    private static final Pattern TEXT = Pattern.compile("\"text\":\"([^\"]*)\"");

    private final HttpServer server;
    private final Map<String, Integer> counts = new HashMap<>();
    private int total;
    private volatile long delayMs;

    TextCountingPeer() throws IOException
    {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(Executors.newFixedThreadPool(2, r ->
        {
            final Thread t = new Thread(r, "text-counting-peer");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/hook", exchange ->
        {
            final String body;
            try (InputStream in = exchange.getRequestBody())
            {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            final Matcher m = TEXT.matcher(body);
            record(m.find() ? m.group(1) : "?");
            final long delay = delayMs;
            if (delay > 0)
            {
                try
                {
                    Thread.sleep(delay); // the provider's own latency, not a wait for anything
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    /** From now on each request takes {@code ms} to answer: a slow provider (a request is counted when it arrives). */
    void delayEach(final long ms)
    {
        delayMs = ms;
    }

    /** The settings that point the node's sms lane at this peer. */
    void configure(final io.dispatch.config.Settings s, final Path dir) throws IOException
    {
        final Path secret = Files.writeString(dir.resolve("webhook-secret"), "cluster-test-secret");
        s.set("lane.sms.connector", "webhook");
        s.set("lane.sms.connector.url", "http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
        s.set("lane.sms.connector.allowPlainHttp", "true");
        s.set("lane.sms.connector.secretFile", secret.toString());
    }

    private synchronized void record(final String text)
    {
        counts.merge(text, 1, Integer::sum);
        total++;
        notifyAll();
    }

    synchronized int count(final String text)
    {
        return counts.getOrDefault(text, 0);
    }

    synchronized int total()
    {
        return total;
    }

    synchronized Map<String, Integer> counts()
    {
        return new HashMap<>(counts);
    }

    /** @return whether {@code text} was sent at least {@code n} times within {@code timeoutMs}. */
    synchronized boolean awaitCount(final String text, final int n, final long timeoutMs) throws InterruptedException
    {
        final long deadline = System.currentTimeMillis() + timeoutMs;
        while (count(text) < n)
        {
            final long left = deadline - System.currentTimeMillis();
            if (left <= 0)
            {
                return false;
            }
            wait(left);
        }
        return true;
    }

    /** @return whether at least {@code n} requests arrived within {@code timeoutMs}. */
    synchronized boolean awaitTotal(final int n, final long timeoutMs) throws InterruptedException
    {
        final long deadline = System.currentTimeMillis() + timeoutMs;
        while (total < n)
        {
            final long left = deadline - System.currentTimeMillis();
            if (left <= 0)
            {
                return false;
            }
            wait(left);
        }
        return true;
    }

    @Override
    public void close()
    {
        server.stop(0);
    }
}
