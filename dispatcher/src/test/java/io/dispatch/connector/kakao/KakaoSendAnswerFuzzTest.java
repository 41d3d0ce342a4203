package io.dispatch.connector.kakao;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.dispatch.connector.CapturingLane;
import io.dispatch.connector.http.HttpReceiver;
import io.dispatch.protocol.MessageKind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * Answers to a Kakao send, fuzzed end to end: the real connector sends to {@link KakaoRelayPeer} on loopback,
 * which answers with a fuzzed status (200..599) and body (input: u16 status, body); every send must end in
 * exactly one outcome (accepted, rejected or failed) and the lane must see no protocol violation.
 */
class KakaoSendAnswerFuzzTest
{
    private static final Set<String> OUTCOMES = Set.of("ACCEPTED", "REJECTED", "FAILED");

    private static Path dir;
    private static KakaoRelayPeer peer;
    private static KakaoConnector connector;
    private static KakaoConnector batching;
    private static CapturingLane lane;
    private static final CapturingLane batchLane = new CapturingLane(io.dispatch.protocol.ChannelType.CHAT);
    private static long messageId;

    @BeforeAll
    static void start() throws Exception
    {
        dir = Files.createTempDirectory("kakao-fuzz");
        peer = new KakaoRelayPeer(KakaoConnectorTest.APP_KEY, KakaoConnectorTest.SECRET, KakaoConnectorTest.SENDER_KEY);
        lane = new CapturingLane(io.dispatch.protocol.ChannelType.CHAT);
        final Map<String, String> settings = KakaoConnectorTest.settings(peer, dir);
        // an answer the client cannot read leaves the exchange to this timeout: well inside scripts/fuzz's 10 s
        settings.put("requestTimeoutMs", "3000");
        connector = (KakaoConnector)new KakaoConnectorFactory().create(settings);
        connector.start(lane.dataDir(dir.resolve("connector")));
        // marketing goes in batches: three messages per request, every answer mapped back to each of them
        settings.put("batchSize", "3");
        settings.put("batchLingerMs", "10000");
        settings.put("batchSettleDelayMs", "600000");
        batching = (KakaoConnector)new KakaoConnectorFactory().create(settings);
        batching.start(batchLane.dataDir(dir.resolve("batching")));
    }

    @AfterAll
    static void stop() throws Exception
    {
        try
        {
            if (!lane.violations().isEmpty() || !batchLane.violations().isEmpty())
            {
                throw new AssertionError("lane violations: " + lane.violations() + batchLane.violations());
            }
        }
        finally
        {
            connector.stop();
            batching.stop();
            peer.close();
            try (var paths = Files.walk(dir))
            {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @FuzzTest(maxDuration = "60s")
    void sendAnswer(final byte[] input) throws InterruptedException
    {
        if (input.length < 2)
        {
            return;
        }
        // final statuses only: a 1xx is an interim answer, after which the client rightly waits for the real one
        final int status = 200 + ((input[0] & 0xFF) << 8 | (input[1] & 0xFF)) % 400;
        final String body = new String(Arrays.copyOfRange(input, 2, input.length), StandardCharsets.UTF_8);
        peer.rawAnswer(new HttpReceiver.Answer(status, body, Map.of()));
        final long id = ++messageId;
        lane.send(connector, CapturingLane.request(id, MessageKind.INFORMATIONAL, "010-1234-5678", "order-shipped", null,
            Map.of("shop", "가게", "tracking", "123-45")));
        final CapturingLane.Event outcome = lane.next();
        if (outcome.messageId() != id || !OUTCOMES.contains(outcome.kind()))
        {
            throw new AssertionError("status " + status + " body " + body + " gave " + outcome);
        }
    }

    @FuzzTest(maxDuration = "60s")
    void batchAnswer(final byte[] input) throws InterruptedException
    {
        if (input.length < 2)
        {
            return;
        }
        final int status = 200 + ((input[0] & 0xFF) << 8 | (input[1] & 0xFF)) % 400;
        final String body = new String(Arrays.copyOfRange(input, 2, input.length), StandardCharsets.UTF_8);
        peer.rawAnswer(new HttpReceiver.Answer(status, body, Map.of()));
        final Set<Long> ids = new java.util.HashSet<>();
        for (int i = 0; i < 3; i++)
        {
            final long id = ++messageId;
            ids.add(id);
            batchLane.send(batching, CapturingLane.request(id, MessageKind.MARKETING, "010-1234-567" + i, null,
                "(광고) 주말 특가", Map.of()));
        }
        while (!ids.isEmpty())
        {
            final CapturingLane.Event outcome = batchLane.next();
            if (!ids.remove(outcome.messageId()) || !OUTCOMES.contains(outcome.kind()))
            {
                throw new AssertionError("status " + status + " body " + body + " gave " + outcome);
            }
        }
    }
}
