package io.dispatch.connector.webhook;

import io.dispatch.Dispatcher;
import io.dispatch.client.ClientConfig;
import io.dispatch.client.DispatchClient;
import io.dispatch.client.StatusResult;
import io.dispatch.client.Submit;
import io.dispatch.client.SubmitResult;
import io.dispatch.config.Settings;
import io.dispatch.json.Json;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import io.dispatch.testing.ChildEngine;
import io.dispatch.testing.EngineFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Per-recipient order end to end: a webhook receiver on loopback that throttles (429) and fails (503) two requests
 * in three gets each recipient's messages in acceptance order, for messages sent at once, for messages deferred
 * to the same send-at, and for messages recovered after the engine is killed with SIGKILL.
 */
@Timeout(180)
class RecipientOrderIT
{
    private static final int PER_RECIPIENT = 6;

    @TempDir
    Path dir;

    /** 429, 503, 200, 429, 503, 200, ... over all requests, whichever message they carry. */
    private static ToIntFunction<String> throttlingAndFailing()
    {
        final AtomicInteger requests = new AtomicInteger();
        return recipient -> switch (requests.getAndIncrement() % 3)
        {
            case 0 -> 429;
            case 1 -> 503;
            default -> 200;
        };
    }

    @Test
    void shouldDeliverEachRecipientsMessagesInAcceptanceOrderAcrossRetriesAndDeferral() throws Exception
    {
        final TestCertificate certificate = TestCertificate.generate(Files.createDirectories(dir.resolve("tls")),
            "dns:localhost,ip:127.0.0.1");
        try (WebhookReceiverPeer peer = new WebhookReceiverPeer(certificate.serverContext(), "engine-secret"))
        {
            peer.answer(throttlingAndFailing(), Map.of());
            final Settings s = new Settings(new Properties());
            EngineFixture.settings(dir.resolve("engine")).withPrefix("").forEach((k, v) ->
            {
                if (!k.startsWith("lane.chat.connector."))
                {
                    s.set(k, v);
                }
            });
            webhookSettings(peer, certificate).forEach(s::set);
            try (Dispatcher engine = EngineFixture.launch(s);
                DispatchClient client = DispatchClient.connect(ClientConfig.builder().host("127.0.0.1")
                    .port(engine.port()).tenant("demo").apiKey("demo-key").build()))
            {
                final long sendAt = System.currentTimeMillis() + 1_500;
                final List<CompletableFuture<SubmitResult>> now = new ArrayList<>();
                final List<CompletableFuture<SubmitResult>> later = new ArrayList<>();
                final List<CompletableFuture<SubmitResult>> other = new ArrayList<>();
                for (int i = 0; i < PER_RECIPIENT; i++)
                {
                    // pipelined, interleaved with two other recipients
                    now.add(client.submit(message("order-now", i).build()));
                    later.add(client.submit(message("order-later", i).sendAt(sendAt).build()));
                    other.add(client.submit(message("order-other", i).build()));
                }
                final List<Long> all = new ArrayList<>();
                for (final List<CompletableFuture<SubmitResult>> ids : List.of(now, later, other))
                {
                    all.addAll(ids(ids));
                }
                for (final long id : all)
                {
                    assertThat(awaitTerminal(client, id).state()).as("message " + id).isEqualTo(DeliveryState.DELIVERED);
                }
                assertThat(deliveredTo(peer, "order-now")).containsExactlyElementsOf(ids(now));
                assertThat(deliveredTo(peer, "order-later")).as("released at the same instant, sent in order")
                    .containsExactlyElementsOf(ids(later));
                assertThat(deliveredTo(peer, "order-other")).containsExactlyElementsOf(ids(other));
            }
        }
    }

    @Test
    void shouldDeliverARecipientsRecoveredMessagesInIdOrderAfterKillNine() throws Exception
    {
        final TestCertificate certificate = TestCertificate.generate(Files.createDirectories(dir.resolve("tls")),
            "dns:localhost,ip:127.0.0.1");
        try (WebhookReceiverPeer peer = new WebhookReceiverPeer(certificate.serverContext(), "engine-secret"))
        {
            final List<String> args = new ArrayList<>();
            webhookSettings(peer, certificate).forEach((k, v) ->
            {
                args.add("--set");
                args.add(k + "=" + v);
            });
            final String[] engineArgs = args.toArray(String[]::new);
            final Path data = dir.resolve("engine");
            final List<CompletableFuture<SubmitResult>> toA = new ArrayList<>();
            final List<CompletableFuture<SubmitResult>> toB = new ArrayList<>();
            final List<Long> a;
            final List<Long> b;
            // everything waits to be retried when the engine dies
            final java.util.concurrent.CountDownLatch refused = new java.util.concurrent.CountDownLatch(4);
            peer.answer(recipient ->
            {
                refused.countDown();
                return 503;
            }, Map.of());
            try (ChildEngine child = ChildEngine.start(data, engineArgs))
            {
                try (DispatchClient client = DispatchClient.connect(ClientConfig.builder().host("127.0.0.1")
                    .port(child.port()).tenant("demo").apiKey("demo-key").build()))
                {
                    for (int i = 0; i < PER_RECIPIENT; i++)
                    {
                        toA.add(client.submit(message("kill-a", i).build()));
                        toB.add(client.submit(message("kill-b", i).build()));
                    }
                    a = ids(toA);
                    b = ids(toB);
                    // acked means journaled; the kill comes once each recipient's first message was refused twice
                    assertThat(refused.await(30, TimeUnit.SECONDS)).isTrue();
                    assertThat(peer.deliveries()).isEmpty();
                }
                child.kill();
                assertThat(child.awaitExit(10_000)).isTrue();
            }

            peer.answer(throttlingAndFailing(), Map.of());
            try (ChildEngine child = ChildEngine.start(data, engineArgs);
                DispatchClient client = DispatchClient.connect(ClientConfig.builder().host("127.0.0.1")
                    .port(child.port()).tenant("demo").apiKey("demo-key").build()))
            {
                assertThat(child.recoveryRedispatched()).isEqualTo(2 * PER_RECIPIENT);
                for (final long id : a)
                {
                    assertThat(awaitTerminal(client, id).state()).isEqualTo(DeliveryState.DELIVERED);
                }
                for (final long id : b)
                {
                    assertThat(awaitTerminal(client, id).state()).isEqualTo(DeliveryState.DELIVERED);
                }
                assertThat(deliveredTo(peer, "kill-a")).containsExactlyElementsOf(a);
                assertThat(deliveredTo(peer, "kill-b")).containsExactlyElementsOf(b);
            }
        }
    }

    private static Map<String, String> webhookSettings(final WebhookReceiverPeer peer, final TestCertificate certificate)
        throws Exception
    {
        final Path secret = certificate.certificatePem.resolveSibling("secret");
        Files.writeString(secret, "engine-secret");
        return Map.of(
            "lane.chat.connector", "webhook",
            "lane.chat.connector.url", "https://localhost:" + peer.port() + "/messenger",
            "lane.chat.connector.trustCertFile", certificate.certificatePem.toString(),
            "lane.chat.connector.secretFile", secret.toString(),
            "lane.chat.connector.requestTimeoutMs", "10000",
            // many attempts, short backoff: the receiver fails a third of all requests; no breaker pauses
            "lane.chat.maxAttempts", "50",
            "lane.chat.retryBaseMs", "20",
            "lane.chat.retryMaxMs", "100",
            "lane.chat.throttlePauseMs", "20",
            "lane.chat.breakerEnabled", "false");
    }

    private static Submit.Builder message(final String recipient, final int n)
    {
        return Submit.builder().kind(MessageKind.INFORMATIONAL).channel(ChannelType.CHAT).to(recipient)
            .text("update " + n);
    }

    private static List<Long> ids(final List<CompletableFuture<SubmitResult>> futures) throws Exception
    {
        final List<Long> ids = new ArrayList<>();
        for (final CompletableFuture<SubmitResult> f : futures)
        {
            ids.add(f.get(30, TimeUnit.SECONDS).messageId());
        }
        return ids;
    }

    /** @return the message ids the receiver took (2xx) for {@code recipient}, in the order it took them. */
    private static List<Long> deliveredTo(final WebhookReceiverPeer peer, final String recipient)
    {
        return peer.deliveries().stream().filter(d -> recipient.equals(Json.member(d.body(), "recipient")))
            .map(d -> Long.parseLong((String)Json.member(d.body(), "messageId"))).toList();
    }

    private static StatusResult awaitTerminal(final DispatchClient client, final long id) throws Exception
    {
        final long deadline = System.currentTimeMillis() + 60_000;
        StatusResult s = client.status(id).get(10, TimeUnit.SECONDS);
        while (!s.state().isTerminal() && System.currentTimeMillis() < deadline)
        {
            Thread.sleep(20);
            s = client.status(id).get(10, TimeUnit.SECONDS);
        }
        return s;
    }
}
