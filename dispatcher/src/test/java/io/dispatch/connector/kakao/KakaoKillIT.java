package io.dispatch.connector.kakao;

import io.dispatch.client.ClientConfig;
import io.dispatch.client.DispatchClient;
import io.dispatch.client.StatusResult;
import io.dispatch.client.Submit;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import io.dispatch.testing.ChildEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A kill -9 of the engine between a batch request and its answer: the relay took every recipient, the engine never
 * learned it. After the restart the messages are owed a dispatch again; the connector lists the batch at the relay
 * before sending any of them, and none reaches the relay twice.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KakaoKillIT
{
    private static final int MESSAGES = 20;

    @TempDir
    Path dir;

    @Test
    void shouldNotSendABatchAgainAfterAKillBetweenRequestAndAnswer() throws Exception
    {
        try (KakaoRelayPeer peer = new KakaoRelayPeer(KakaoConnectorTest.APP_KEY, KakaoConnectorTest.SECRET,
            KakaoConnectorTest.SENDER_KEY))
        {
            final String[] args = engineArgs(peer);
            final Path data = dir.resolve("engine");
            final List<Long> ids = new ArrayList<>();
            peer.takeThenStallNext(1);
            try (ChildEngine child = ChildEngine.start(data, args))
            {
                try (DispatchClient client = connect(child.port()))
                {
                    for (int i = 0; i < MESSAGES; i++)
                    {
                        ids.add(client.submit(Submit.builder().kind(MessageKind.MARKETING).channel(ChannelType.CHAT)
                            .to(String.format("0107777%04d", i)).text("(광고) 주말 특가 무료수신거부 080-000-0000").build())
                            .get(10, TimeUnit.SECONDS).messageId());
                    }
                    final long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    while (peer.takenByRecipient().size() < MESSAGES && System.nanoTime() < end)
                    {
                        Thread.sleep(10);
                    }
                    assertThat(peer.takenByRecipient()).as("the relay took the batch").hasSize(MESSAGES);
                    assertThat(peer.sendRequests()).isEqualTo(1);
                }
                child.kill();
                assertThat(child.awaitExit(10_000)).isTrue();
            }

            try (ChildEngine child = ChildEngine.start(data, args); DispatchClient client = connect(child.port()))
            {
                assertThat(child.recoveryRedispatched()).isEqualTo(MESSAGES);
                for (final long id : ids)
                {
                    assertThat(awaitState(client, id, DeliveryState.PROVIDER_ACCEPTED)).isEqualTo(DeliveryState.PROVIDER_ACCEPTED);
                }
                assertThat(peer.listQueries()).as("the batch was listed at the relay").isEqualTo(1);
            }
            assertThat(peer.sendRequests()).as("no request after the restart").isEqualTo(1);
            assertThat(peer.takenByRecipient().values()).allSatisfy(n -> assertThat(n).isEqualTo(1));
        }
    }

    private String[] engineArgs(final KakaoRelayPeer peer) throws Exception
    {
        final Path secret = Files.writeString(dir.resolve("kakao.secret"), KakaoConnectorTest.SECRET);
        return new String[] {
            "--set", "lane.chat.connector=kakao",
            "--set", "lane.chat.connector.baseUrl=" + peer.baseUrl(),
            "--set", "lane.chat.connector.appKey=" + KakaoConnectorTest.APP_KEY,
            "--set", "lane.chat.connector.senderKey=" + KakaoConnectorTest.SENDER_KEY,
            "--set", "lane.chat.connector.secretKeyFile=" + secret,
            // the first run must not give up on the request before the kill
            "--set", "lane.chat.connector.requestTimeoutMs=60000",
            "--set", "lane.chat.connector.batchLingerMs=200",
            "--set", "lane.chat.connector.batchSettleDelayMs=500",
            // the child runs on the wall clock: let marketing through at any hour, without consent records
            "--set", "tenant.demo.consentRequired=false",
            "--set", "policy.night.chat=off",
            "--set", "policy.blackout.chat=off"};
    }

    private static DispatchClient connect(final int port)
    {
        return DispatchClient.connect(ClientConfig.builder().host("127.0.0.1").port(port).tenant("demo")
            .apiKey("demo-key").build());
    }

    private static DeliveryState awaitState(final DispatchClient client, final long id, final DeliveryState wanted)
        throws Exception
    {
        final long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        StatusResult s = client.status(id).get(10, TimeUnit.SECONDS);
        while (s.state() != wanted && !s.state().isTerminal() && System.nanoTime() < end)
        {
            Thread.sleep(20);
            s = client.status(id).get(10, TimeUnit.SECONDS);
        }
        return s.state();
    }
}
