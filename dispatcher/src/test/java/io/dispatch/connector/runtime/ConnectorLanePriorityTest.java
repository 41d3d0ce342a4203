package io.dispatch.connector.runtime;

import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.MessageKind;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Informational and auth messages have a reserved share of the lane's rate and window and always go
 * first: a marketing backlog of any size does not delay them, and marketing never uses their share.
 */
@Timeout(120)
class ConnectorLanePriorityTest
{
    private static final Map<String, String> RATED = Map.of(
        "lane.sms.window", "8", "lane.sms.ratePerSecond", "1000", "lane.sms.rateBurst", "10",
        "lane.sms.reservedPercent", "20", "lane.sms.capacity", "65536");

    @TempDir
    Path dir;

    @Test
    void shouldDispatchInformationalAheadOfAMarketingBacklog() throws Exception
    {
        assertInformationalGoesFirst(RATED, 20_000);
    }

    /** Issue 3 item 1 at full size: a backlog of one million marketing messages. */
    @Test
    @Tag("slow")
    @Timeout(600)
    void shouldDispatchInformationalAheadOfAMillionMarketingMessages() throws Exception
    {
        assertInformationalGoesFirst(Map.of("lane.sms.window", "64", "lane.sms.reservedPercent", "20",
            "lane.sms.capacity", Integer.toString(1 << 21)), 1_000_000);
    }

    private void assertInformationalGoesFirst(final Map<String, String> settings, final int backlog) throws Exception
    {
        try (LaneHarness h = new LaneHarness(dir, settings))
        {
            final LaneHarness.Lane sms = h.lane(ChannelType.SMS);
            for (int i = 0; i < backlog; i++)
            {
                sms.submit(h.accept(MessageKind.MARKETING, ChannelType.SMS, "010" + i, 86_400), MessageKind.MARKETING);
            }
            // the campaign is flowing
            runFor(h, sms, 200);
            final int marketingSentBefore = sms.provider().sent.size();
            assertThat(marketingSentBefore).isPositive();
            final int depthAtArrival = sms.lane().bulkDepth();
            assertThat(depthAtArrival).isEqualTo(backlog - marketingSentBefore);

            final List<Long> informational = new ArrayList<>();
            for (int i = 0; i < 100; i++)
            {
                final MessageKind kind = i % 2 == 0 ? MessageKind.INFORMATIONAL : MessageKind.AUTH;
                final long id = h.accept(kind, ChannelType.SMS, "0109999" + i, 86_400);
                informational.add(id);
                sms.submit(id, kind);
            }
            while (sms.provider().sent.stream().filter(s -> s.kind() != MessageKind.MARKETING).count() < 100)
            {
                runFor(h, sms, 10);
            }
            // dispatch order: after they arrived, the lane sent all 100 before any more marketing
            final List<ScriptedConnector.Sent> after = sms.provider().sent.subList(marketingSentBefore,
                sms.provider().sent.size());
            assertThat(after.subList(0, 100)).extracting(ScriptedConnector.Sent::messageId)
                .containsExactlyElementsOf(informational);
            // and the backlog is still there: they did not wait for it (at most the last cycle's marketing left)
            assertThat(sms.lane().bulkDepth()).isGreaterThanOrEqualTo(depthAtArrival - h.laneConfig(ChannelType.SMS).window());
        }
    }

    @Test
    void shouldNeverLetMarketingUseTheReservedShareOfRateAndWindow() throws Exception
    {
        try (LaneHarness h = new LaneHarness(dir, RATED))
        {
            final LaneHarness.Lane sms = h.lane(ChannelType.SMS);
            for (int i = 0; i < 20_000; i++)
            {
                sms.submit(h.accept(MessageKind.MARKETING, ChannelType.SMS, "010" + i, 86_400), MessageKind.MARKETING);
            }
            int maxOutstanding = 0;
            for (int ms = 0; ms < 5_000; ms += 5)
            {
                sms.settle();
                maxOutstanding = Math.max(maxOutstanding, sms.provider().outstanding());
                sms.provider().acceptAll();
                h.clock.advance(5);
            }
            // window 8 with 20 % reserved: ceil(1.6) = 2 slots marketing never takes
            assertThat(maxOutstanding).isEqualTo(6);
            // 80 % of 1000/s for 5 s, plus the shared bucket's initial burst (8 of 10)
            assertThat(sms.provider().sent.size()).isBetween(3_900, 4_000 + 8);

            // priority traffic alone may use the whole rate: reserved and shared buckets
            final int before = sms.provider().sent.size();
            final LaneHarness.Lane priorityOnly = h.lane(ChannelType.SMS);
            for (int i = 0; i < 20_000; i++)
            {
                priorityOnly.submit(h.accept(MessageKind.AUTH, ChannelType.SMS, "010" + i, 86_400), MessageKind.AUTH);
            }
            for (int ms = 0; ms < 2_000; ms += 5)
            {
                priorityOnly.settle();
                priorityOnly.provider().acceptAll();
                h.clock.advance(5);
            }
            assertThat(priorityOnly.provider().sent.size()).isBetween(1_990, 2_000 + 10);
            assertThat(sms.provider().sent.size()).isEqualTo(before);
        }
    }

    @Test
    void shouldApplyARateChangeRequestedFromAnotherThreadAtTheNextDutyCycle() throws Exception
    {
        try (LaneHarness h = new LaneHarness(dir, RATED))
        {
            final LaneHarness.Lane sms = h.lane(ChannelType.SMS);
            final io.dispatch.config.RateSettings slower = io.dispatch.config.RateSettings.of(100, 1, 50);
            final Thread admin = new Thread(() -> sms.lane().requestRate(slower, 0));
            admin.start();
            admin.join();
            assertThat(sms.lane().rateSettings().perSecond()).isEqualTo(1000);
            sms.lane().doWork();
            assertThat(sms.lane().rateSettings()).isSameAs(slower);
            assertThat(sms.lane().metrics().get(LaneMetrics.RATE_MILLI_PER_SECOND)).isEqualTo(100_000);
            for (int i = 0; i < 1_000; i++)
            {
                sms.submit(h.accept(MessageKind.MARKETING, ChannelType.SMS, "010" + i, 86_400), MessageKind.MARKETING);
            }
            for (int ms = 0; ms < 2_000; ms += 5)
            {
                sms.settle();
                sms.provider().acceptAll();
                h.clock.advance(5);
            }
            // marketing gets the unreserved half of 100/s
            assertThat(sms.provider().sent.size()).isBetween(95, 101);
        }
    }

    private static void runFor(final LaneHarness h, final LaneHarness.Lane lane, final int ms)
    {
        for (int t = 0; t < ms; t += 5)
        {
            lane.settle();
            lane.provider().acceptAll();
            h.clock.advance(5);
        }
        lane.settle();
    }
}
