package io.dispatch.connector.kakao;

import io.dispatch.connector.CapturingLane;
import io.dispatch.connector.CapturingLane.Event;
import io.dispatch.connector.DeliveryRequest;
import io.dispatch.json.Json;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Batched sends against {@link KakaoRelayPeer} over loopback: grouping, per-recipient results, throttling, and the
 * per-recipient duplicate check when an answer is lost (a relay that hangs or breaks after taking a batch, and a
 * restart between request and answer).
 */
@Timeout(120)
class KakaoBatchingTest
{
    private static final String PROMO = "(광고) 주말 특가\n무료수신거부 0801234567";

    @TempDir
    Path dir;

    private KakaoRelayPeer peer;
    private final List<KakaoConnector> connectors = new ArrayList<>();
    private final CapturingLane lane = new CapturingLane(ChannelType.CHAT);

    @BeforeEach
    void startPeer() throws Exception
    {
        peer = new KakaoRelayPeer(KakaoConnectorTest.APP_KEY, KakaoConnectorTest.SECRET, KakaoConnectorTest.SENDER_KEY);
    }

    @AfterEach
    void stop()
    {
        connectors.forEach(KakaoConnector::stop);
        peer.close();
        assertThat(lane.violations()).isEmpty();
    }

    private KakaoConnector start(final CapturingLane on, final Map<String, String> extra) throws Exception
    {
        final Map<String, String> s = KakaoConnectorTest.settings(peer, dir);
        s.put("batchLingerMs", "200");
        s.put("batchSettleDelayMs", "100");
        s.putAll(extra);
        final KakaoConnector connector = (KakaoConnector)new KakaoConnectorFactory().create(s);
        connector.start(on.dataDir(dir.resolve("connector")));
        connectors.add(connector);
        peer.webhookTarget(URI.create("http://127.0.0.1:" + connector.webhookPort() + "/kakao/webhook"),
            KakaoConnectorTest.SIGNATURE);
        return connector;
    }

    private static DeliveryRequest promo(final long id, final String to)
    {
        return CapturingLane.request(id, MessageKind.MARKETING, to, null, PROMO, Map.of());
    }

    private static String phone(final long id)
    {
        return String.format("0105%07d", id);
    }

    /** Receipts seen while waiting for outcomes, in order. */
    private final List<Event> receipts = new ArrayList<>();
    /** Messages accepted so far. */
    private final Set<Long> accepted = new HashSet<>();

    /** @return the next {@code count} outcomes (receipts set aside), by message id. */
    private Map<Long, Event> outcomes(final CapturingLane on, final int count) throws InterruptedException
    {
        final Map<Long, Event> out = new HashMap<>();
        while (out.size() < count)
        {
            final Event e = on.next();
            if (e.kind().equals("RECEIPT"))
            {
                assertThat(accepted).as("a receipt never comes before its message's acceptance").contains(e.messageId());
                receipts.add(e);
            }
            else
            {
                assertThat(out.put(e.messageId(), e)).as("one outcome per message").isNull();
                if (e.kind().equals("ACCEPTED"))
                {
                    accepted.add(e.messageId());
                }
            }
        }
        return out;
    }

    private static List<?> recipients(final KakaoRelayPeer.Received r)
    {
        return (List<?>)Json.member(r.body(), "recipientList");
    }

    @Test
    void shouldSendMarketingInRequestsOfAtMostBatchSizeAndMapEveryResultBack() throws Exception
    {
        final KakaoConnector connector = start(lane, Map.of("batchLingerMs", "2000"));
        for (long id = 1; id <= 2_500; id++)
        {
            lane.send(connector, promo(id, phone(id)));
        }

        final Map<Long, Event> outcomes = outcomes(lane, 2_500);
        assertThat(outcomes.values()).allSatisfy(e -> assertThat(e.kind()).isEqualTo("ACCEPTED"));
        final List<KakaoRelayPeer.Received> requests = peer.received();
        // two full batches at once, the rest when its linger ends
        assertThat(requests).extracting(r -> recipients(r).size()).containsExactlyInAnyOrder(1_000, 1_000, 500);
        final Set<String> keys = new HashSet<>();
        for (final KakaoRelayPeer.Received r : requests)
        {
            assertThat(r.path()).isEqualTo("/brand-message/v1.0/appkeys/" + KakaoConnectorTest.APP_KEY + "/freestyle-messages");
            assertThat(Json.member(r.body(), "content")).isEqualTo(PROMO);
            final String key = r.headers().get("X-NC-API-IDEMPOTENCY-KEY");
            assertThat(keys.add(key)).as("one idempotency key per request").isTrue();
            assertThat(Json.member(r.body(), "senderGroupingKey")).isEqualTo("demo/" + key);
            for (final Object recipient : recipients(r))
            {
                final long id = Long.parseLong((String)Json.member(recipient, "recipientGroupingKey"));
                assertThat(Json.member(recipient, "recipientNo")).isEqualTo(phone(id));
            }
        }
        assertThat(peer.takenByRecipient()).hasSize(2_500).allSatisfy((no, n) -> assertThat(n).isEqualTo(1));
        assertThat(connector.batchRequests()).isEqualTo(3);
    }

    @Test
    void shouldMapPartialResultsWithinABatchAndResendOnlyTheTransientOnes() throws Exception
    {
        final KakaoConnector connector = start(lane, Map.of());
        lane.send(connector, promo(1, "01011112222"));
        lane.send(connector, promo(2, "09903008"));  // invalid number: rejected
        lane.send(connector, promo(3, "09909999"));  // relay system error for this recipient: transient
        lane.send(connector, promo(4, "09904138"));  // brand-message count limit: throttled
        lane.send(connector, promo(5, "09913019"));  // accepted, then "not a KakaoTalk user" by webhook

        final Map<Long, Event> first = outcomes(lane, 5);
        assertThat(peer.sendRequests()).isEqualTo(1);
        assertThat(first.get(1L).kind()).isEqualTo("ACCEPTED");
        assertThat(first.get(2L)).isEqualTo(new Event("REJECTED", 2, Reason.INVALID_RECIPIENT, 0, null));
        assertThat(first.get(3L)).isEqualTo(new Event("FAILED", 3, Reason.PROVIDER_UNAVAILABLE, 0, null));
        assertThat(first.get(4L)).isEqualTo(new Event("FAILED", 4, Reason.PROVIDER_THROTTLED, 0, null));
        assertThat(first.get(5L).kind()).isEqualTo("ACCEPTED");

        // the runtime retries the transient ones; the relay now takes them
        peer.sendCodes(no -> 0);
        lane.send(connector, promo(3, "09909999"));
        lane.send(connector, promo(4, "09904138"));
        final Map<Long, Event> retried = outcomes(lane, 2);
        assertThat(retried.values()).allSatisfy(e -> assertThat(e.kind()).isEqualTo("ACCEPTED"));
        assertThat(peer.sendRequests()).isEqualTo(2);
        assertThat(recipients(peer.received().get(1))).hasSize(2);
        assertThat(peer.takenByRecipient()).containsOnly(Map.entry("01011112222", 1), Map.entry("09909999", 1),
            Map.entry("09904138", 1), Map.entry("09913019", 1));
        awaitReceipt(lane, 5, DeliveryState.FAILED, Reason.NOT_CHANNEL_USER);
    }

    @Test
    void shouldNotHoldAuthOrInformationalForABatchButBatchCampaignInformational() throws Exception
    {
        final KakaoConnector connector = start(lane, Map.of("batchLingerMs", "10000"));
        final long sentAt = System.nanoTime();
        lane.send(connector, CapturingLane.request(1, MessageKind.AUTH, "01012345678", "otp", null, Map.of("code", "1")));
        lane.send(connector, CapturingLane.request(2, MessageKind.INFORMATIONAL, "01012345679", "order-shipped", null,
            Map.of("shop", "가게")));
        final Map<Long, Event> alone = outcomes(lane, 2);
        assertThat(alone.values()).allSatisfy(e -> assertThat(e.kind()).isEqualTo("ACCEPTED"));
        assertThat(System.nanoTime() - sentAt).as("well before the 10 s linger").isLessThan(8_000_000_000L);
        assertThat(peer.received()).extracting(r -> r.headers().get("X-NC-API-IDEMPOTENCY-KEY"))
            .containsExactlyInAnyOrder("1", "2");

        // informational messages of a campaign are bulk: they wait for a batch (here, until stop flushes it)
        for (long id = 3; id <= 4; id++)
        {
            final DeliveryRequest notice = CapturingLane.request(id, MessageKind.INFORMATIONAL, phone(id), "order-shipped",
                null, Map.of("shop", "가게"));
            notice.campaignId(77);
            lane.send(connector, notice);
        }
        for (Event e = lane.poll(500); e != null; e = lane.poll(500))
        {
            assertThat(e.kind()).as("held for its linger").isEqualTo("RECEIPT");
        }
        connector.stop();
        final Map<Long, Event> batched = outcomes(lane, 2);
        assertThat(batched.values()).allSatisfy(e -> assertThat(e.kind()).isEqualTo("ACCEPTED"));
        assertThat(peer.received()).hasSize(3);
        assertThat(recipients(peer.received().get(2))).hasSize(2);
    }

    @Test
    void shouldFailAThrottledBatchWithItsRetryAfterAndResendAllOfIt() throws Exception
    {
        final KakaoConnector connector = start(lane, Map.of());
        peer.throttleNext(1, 429, "2");
        for (long id = 1; id <= 3; id++)
        {
            lane.send(connector, promo(id, phone(id)));
        }
        final Map<Long, Event> throttled = outcomes(lane, 3);
        assertThat(throttled.values()).allSatisfy(e ->
        {
            assertThat(e.kind()).isEqualTo("FAILED");
            assertThat(e.reason()).isEqualTo(Reason.PROVIDER_THROTTLED);
            assertThat(e.retryAfterMs()).isEqualTo(2_000);
        });
        for (long id = 1; id <= 3; id++)
        {
            lane.send(connector, promo(id, phone(id)));
        }
        assertThat(outcomes(lane, 3).values()).allSatisfy(e -> assertThat(e.kind()).isEqualTo("ACCEPTED"));
        assertThat(peer.takenByRecipient()).hasSize(3).allSatisfy((no, n) -> assertThat(n).isEqualTo(1));
        assertThat(connector.batchUnsettled()).as("a 429 says nothing was taken").isZero();
    }

    @Test
    void shouldNeverResendWhatARelayThatHungMidBatchHadTaken() throws Exception
    {
        final KakaoConnector connector = start(lane, Map.of("requestTimeoutMs", "500"));
        peer.takeThenStallNext(1);
        for (long id = 1; id <= 10; id++)
        {
            lane.send(connector, promo(id, phone(id)));
        }
        final Map<Long, Event> lost = outcomes(lane, 10);
        assertThat(lost.values()).allSatisfy(e -> assertThat(e).isEqualTo(
            new Event("FAILED", e.messageId(), Reason.PROVIDER_TIMEOUT, 0, null)));

        // the runtime retries them, grouped with new messages: only the new ones go out
        for (long id = 1; id <= 15; id++)
        {
            lane.send(connector, promo(id, phone(id)));
        }
        final Map<Long, Event> after = outcomes(lane, 15);
        assertThat(after.values()).allSatisfy(e -> assertThat(e.kind()).isEqualTo("ACCEPTED"));
        assertThat(peer.takenByRecipient()).hasSize(15).allSatisfy((no, n) -> assertThat(n).isEqualTo(1));
        assertThat(peer.listQueries()).isEqualTo(1);
        assertThat(recipients(peer.received().get(1))).as("the second request carries the new ones only").hasSize(5);
        assertThat(connector.batchResendsAvoided()).isEqualTo(10);
        // the results the relay webhooked while the answer was lost reach the lane after the acceptance
        for (long id = 1; id <= 10; id++)
        {
            awaitReceipt(lane, id, DeliveryState.DELIVERED, Reason.NONE);
        }
    }

    @Test
    void shouldHandHeldMessagesBackWhileTheRelayCannotListTheBatchAndNeverSendThemBeforeItCould() throws Exception
    {
        final KakaoConnector connector = start(lane, Map.of("requestTimeoutMs", "500"));
        peer.takeThenStallNext(1);
        peer.stallListQueries(true);
        for (long id = 1; id <= 3; id++)
        {
            lane.send(connector, promo(id, phone(id)));
        }
        assertThat(outcomes(lane, 3).values()).allSatisfy(e -> assertThat(e.reason()).isEqualTo(Reason.PROVIDER_TIMEOUT));

        // retried while no list query gets an answer: held until one times out, then handed back, never sent
        for (long id = 1; id <= 3; id++)
        {
            lane.send(connector, promo(id, phone(id)));
        }
        assertThat(outcomes(lane, 3).values())
            .allSatisfy(e -> assertThat(e).isEqualTo(new Event("FAILED", e.messageId(), Reason.PROVIDER_UNAVAILABLE, 0, null)));
        assertThat(peer.sendRequests()).as("nothing sent while the batch is unsettled").isEqualTo(1);

        // the relay answers list queries again: the next retries are answered from the list, without a request
        peer.stallListQueries(false);
        final Set<Long> pending = new HashSet<>(Set.of(1L, 2L, 3L));
        for (int round = 0; round < 10 && !pending.isEmpty(); round++)
        {
            pending.forEach(id -> lane.send(connector, promo(id, phone(id))));
            outcomes(lane, pending.size()).values().forEach(e ->
            {
                if (e.kind().equals("ACCEPTED"))
                {
                    pending.remove(e.messageId());
                }
                else
                {
                    // a query still stalled from before: handed back once more
                    assertThat(e.reason()).isEqualTo(Reason.PROVIDER_UNAVAILABLE);
                }
            });
        }
        assertThat(pending).isEmpty();
        assertThat(peer.listQueries()).isPositive();
        assertThat(peer.sendRequests()).isEqualTo(1);
        assertThat(peer.takenByRecipient()).hasSize(3).allSatisfy((no, n) -> assertThat(n).isEqualTo(1));
    }

    @Test
    void shouldSettleABatchTheRelayTookAndThenAnsweredWithAServerError() throws Exception
    {
        final KakaoConnector connector = start(lane, Map.of());
        peer.takeThenFailNext(1);
        peer.sendCodes(no -> no.equals("09903008") ? 3008 : 0);
        lane.send(connector, promo(1, phone(1)));
        lane.send(connector, promo(2, "09903008"));
        assertThat(outcomes(lane, 2).values()).allSatisfy(e -> assertThat(e.reason()).isEqualTo(Reason.PROVIDER_ERROR));

        lane.send(connector, promo(1, phone(1)));
        lane.send(connector, promo(2, "09903008"));
        final Map<Long, Event> after = outcomes(lane, 2);
        assertThat(after.get(1L).kind()).as("taken before the 500: not sent again").isEqualTo("ACCEPTED");
        assertThat(after.get(2L)).as("not taken: sent again, and refused again")
            .isEqualTo(new Event("REJECTED", 2, Reason.INVALID_RECIPIENT, 0, null));
        assertThat(peer.takenByRecipient()).containsOnly(Map.entry(phone(1), 1));
        assertThat(peer.sendRequests()).isEqualTo(2);
    }

    /** A kill -9 between request and answer: the next start lists the batch before its messages are sent again. */
    @Test
    void shouldSettleABatchLeftUnansweredByAnEarlierRunBeforeSendingItsMessagesAgain() throws Exception
    {
        final CapturingLane crashed = new CapturingLane(ChannelType.CHAT);
        final KakaoConnector first = start(crashed, Map.of());
        peer.takeThenStallNext(1);
        for (long id = 1; id <= 4; id++)
        {
            crashed.send(first, promo(id, phone(id)));
        }
        final long deadline = System.nanoTime() + 30_000_000_000L;
        while (peer.takenByRecipient().size() < 4 && System.nanoTime() < deadline)
        {
            Thread.sleep(10);
        }
        assertThat(peer.takenByRecipient()).hasSize(4);
        // the first run never learns the answer; a second run starts on the same directory, as after a kill -9
        final KakaoConnector second = start(lane, Map.of());
        for (long id = 1; id <= 6; id++)
        {
            lane.send(second, promo(id, phone(id)));
        }
        final Map<Long, Event> after = outcomes(lane, 6);
        assertThat(after.values()).allSatisfy(e -> assertThat(e.kind()).isEqualTo("ACCEPTED"));
        assertThat(peer.takenByRecipient()).hasSize(6).allSatisfy((no, n) -> assertThat(n).isEqualTo(1));
        assertThat(second.batchResendsAvoided()).isEqualTo(4);
    }

    private void awaitReceipt(final CapturingLane on, final long id, final DeliveryState state, final Reason reason)
        throws InterruptedException
    {
        while (receipts.stream().noneMatch(e -> e.messageId() == id))
        {
            final Event e = on.next();
            assertThat(e.kind()).isEqualTo("RECEIPT");
            receipts.add(e);
        }
        assertThat(receipts.stream().filter(e -> e.messageId() == id))
            .containsExactly(new Event("RECEIPT", id, reason, 0, state));
    }
}
