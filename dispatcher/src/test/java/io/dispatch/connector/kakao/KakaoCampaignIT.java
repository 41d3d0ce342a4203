package io.dispatch.connector.kakao;

import io.dispatch.Dispatcher;
import io.dispatch.client.Campaign;
import io.dispatch.client.CampaignResult;
import io.dispatch.client.ClientConfig;
import io.dispatch.client.DirectoryBatch;
import io.dispatch.client.DispatchClient;
import io.dispatch.config.Settings;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DirectoryOpWriter;
import io.dispatch.testing.EngineFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Kakao campaign of 100,000 recipients through the real engine (directory import, campaign fan-out, chat lane)
 * against the loopback relay over HTTP: about one request per 1,000 recipients, and every recipient taken by the
 * relay exactly once although the relay refuses one request (503), takes one and never answers, and takes one
 * and answers 500 in the middle of the campaign.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class KakaoCampaignIT
{
    private static final int RECIPIENTS = Integer.getInteger("kakao.recipients", 100_000);
    private static final int IMPORT_BATCH = 1_000;

    @TempDir
    Path dir;

    @Test
    void shouldSendAHundredThousandRecipientsInBatchesOfAThousandEachExactlyOnceThroughRelayFailures() throws Exception
    {
        try (KakaoRelayPeer peer = new KakaoRelayPeer(KakaoConnectorTest.APP_KEY, KakaoConnectorTest.SECRET,
                KakaoConnectorTest.SENDER_KEY).recordRequests(false))
        {
            final Settings s = KakaoEngineIT.engineSettings(dir, peer);
            s.set("template.promo", "(광고)[shop] 주말 특가 쿠폰 무료수신거부 080-000-0000");
            s.set("status.capacity", "262144");
            s.set("lane.chat.window", "4096");
            s.set("lane.chat.capacity", "262144");
            s.set("lane.chat.connector.batchLingerMs", "50");
            s.set("lane.chat.connector.requestTimeoutMs", "2000");
            s.set("lane.chat.connector.batchSettleDelayMs", "500");
            try (Dispatcher engine = EngineFixture.launch(s);
                 DispatchClient client = DispatchClient.connect(ClientConfig.builder().host("127.0.0.1")
                     .port(engine.port()).tenant("demo").apiKey("demo-key").build()))
            {
                final KakaoConnector connector = (KakaoConnector)engine.lane(ChannelType.CHAT).connector();
                peer.webhookTarget(URI.create("http://127.0.0.1:" + connector.webhookPort() + "/kakao/webhook"),
                    KakaoConnectorTest.SIGNATURE);
                for (int from = 0; from < RECIPIENTS; from += IMPORT_BATCH)
                {
                    final DirectoryBatch batch = new DirectoryBatch();
                    for (int i = from; i < from + IMPORT_BATCH; i++)
                    {
                        batch.add(new DirectoryOpWriter().upsert("r" + i).string("region", "Seoul")
                            .string("phone", phone(i)).string("chat_key", phone(i)).toBytes());
                    }
                    assertThat(client.updateDirectory(batch).get(60, TimeUnit.SECONDS).applied()).isEqualTo(IMPORT_BATCH);
                }
                final CampaignResult started = client.startCampaign(Campaign.builder().name("weekend").segment("region = 'Seoul'")
                    .channels(ChannelType.CHAT).template(ChannelType.CHAT, "promo").build()).get(60, TimeUnit.SECONDS);
                assertThat(started.targeted()).isEqualTo(RECIPIENTS);
                // mid-campaign: one request refused, one taken and never answered, one taken and answered 500
                awaitRequests(peer, 20);
                peer.throttleNext(1, 503, "1");
                peer.takeThenStallNext(1);
                peer.takeThenFailNext(1);

                final CampaignResult done = awaitDelivered(client, started.campaignId());
                assertThat(done.delivered(ChannelType.CHAT)).isEqualTo(RECIPIENTS);
                assertThat(done.failed(ChannelType.CHAT)).isZero();
                assertThat(connector.batchUnsettled()).as("the two requests taken without an answer").isEqualTo(2);
                assertThat(connector.batchResendsAvoided()).as("their members answered from the ledger").isPositive();
            }
            final Map<String, Integer> taken = peer.takenByRecipient();
            assertThat(taken).hasSize(RECIPIENTS);
            assertThat(taken.values()).as("every recipient taken exactly once").allSatisfy(n -> assertThat(n).isEqualTo(1));
            // 100 full batches, the retried members of the three failed requests, and lingers that ran out
            assertThat(peer.sendRequests()).isBetween((long)RECIPIENTS / 1_000, (long)RECIPIENTS / 1_000 * 13 / 10);
            assertThat(peer.listQueries()).as("the two batches whose answer was lost were listed").isEqualTo(2);
        }
    }

    private static String phone(final int i)
    {
        return String.format("010%08d", i);
    }

    private static void awaitRequests(final KakaoRelayPeer peer, final long n) throws InterruptedException
    {
        final long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (peer.sendRequests() < n)
        {
            assertThat(System.nanoTime()).as("%d requests within 120 s", n).isLessThan(end);
            Thread.sleep(5);
        }
    }

    private static CampaignResult awaitDelivered(final DispatchClient client, final long id) throws Exception
    {
        final long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        CampaignResult r = client.campaignStats(id).get(10, TimeUnit.SECONDS);
        while (r.delivered(ChannelType.CHAT) + r.failed(ChannelType.CHAT) < RECIPIENTS && System.nanoTime() < end)
        {
            Thread.sleep(200);
            r = client.campaignStats(id).get(10, TimeUnit.SECONDS);
        }
        return r;
    }
}
