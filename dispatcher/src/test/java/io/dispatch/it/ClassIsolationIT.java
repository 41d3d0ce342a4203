package io.dispatch.it;

import io.dispatch.Dispatcher;
import io.dispatch.client.ClientConfig;
import io.dispatch.client.DispatchClient;
import io.dispatch.protocol.CampaignDescriptor;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.ConsentFlags;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.DirectoryOpWriter;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.MessageType;
import io.dispatch.status.Counter;
import io.dispatch.testing.AdminHttp;
import io.dispatch.testing.EngineFixture;
import io.dispatch.testing.JumpClock;
import io.dispatch.testing.RawConnection.Frame;
import io.dispatch.testing.RawConnection;
import io.dispatch.testing.TargetingFrames;
import io.dispatch.testing.TargetingFrames.CampaignResult;
import io.dispatch.testing.TargetingFrames.DirectoryResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12: a bulk client, or a campaign, that fills a lane whose provider holds every send is paused (a client's
 * requests beyond the marketing share wait, none is refused; the fan-out waits for room), while an OTP sent on another
 * connection is still acked, keeps its connection's credit and is sent to the provider ahead of the backlog.
 */
@Timeout(90)
class ClassIsolationIT
{
    private static final String PROMO = "(광고)[shop] 50% sale 무료수신거부 080-000-0000";
    private static final int MARKETING = 30;

    @TempDir
    Path dir;

    @Test
    void shouldAdmitAndDispatchAnOtpWhileMarketingFillsTheLane() throws Exception
    {
        // daytime in Seoul whatever the hour the suite runs at: marketing is sent, not deferred to the morning
        final JumpClock clock = JumpClock.atSeoul("2026-11-25T12:00:00");
        // nothing leaves the lane while the test looks: the provider holds every send, marketing gets 3 of 4 slots
        final var settings = EngineFixture.settings(dir).set("lane.sms.capacity", "20")
            .set("lane.sms.reservedPercent", "20").set("lane.sms.window", "4")
            .set("lane.sms.connector.stall", "true");
        try (Dispatcher engine = EngineFixture.launch(settings, clock);
            DispatchClient admin = DispatchClient.connect(ClientConfig.builder().port(engine.port()).tenant("demo")
                .apiKey("demo-key").build());
            RawConnection bulk = RawConnection.open(engine.port(), "demo", "demo-key");
            RawConnection otpClient = RawConnection.open(engine.port(), "demo", "demo-key"))
        {
            for (int i = 0; i < MARKETING; i++)
            {
                admin.updateConsent("0102000" + (1000 + i), ChannelType.SMS, ConsentFlags.AD, 0, "test")
                    .get(10, TimeUnit.SECONDS);
            }
            for (int i = 0; i < MARKETING; i++)
            {
                bulk.submit(i + 1, MessageKind.MARKETING, ChannelType.SMS, "", "0102000" + (1000 + i), PROMO);
            }
            final List<Long> acked = new ArrayList<>();
            for (int i = 0; i < 16; i++)
            {
                final Frame f = bulk.read();
                assertThat(f.type).as("%s", f).isEqualTo(MessageType.ACK);
                acked.add(f.messageId());
            }
            // the 17th and later were sent within credit: they wait for room instead of being refused
            assertThat(engine.lane(ChannelType.SMS).admission().bulkInSystem())
                .as("marketing filled its 16 of the lane's 20").isEqualTo(16);

            otpClient.submit(1, MessageKind.AUTH, ChannelType.SMS, "", "01099990000", "code 123456");
            final Frame answer = otpClient.read();
            assertThat(answer.type).as("the OTP is acked, not refused").isEqualTo(MessageType.ACK);
            final Frame credit = otpClient.readAnyWithTimeout(5_000);
            assertThat(credit.type).as("its connection keeps its credit").isEqualTo(MessageType.CREDIT);

            final List<Integer> otpState = StatusPoller.await(otpClient, List.of(answer.messageId()), 30_000,
                s -> s == DeliveryState.DISPATCHED.code());
            assertThat(otpState).as("sent to the provider").containsExactly((int)DeliveryState.DISPATCHED.code());
            final List<Integer> backlog = StatusPoller.await(otpClient, acked, 10_000, s -> true);
            assertThat(backlog.stream().filter(s -> s == DeliveryState.DISPATCHED.code()))
                .as("only marketing's 3 slots of the window went to marketing").hasSize(3);
            assertThat(engine.counters().get(Counter.BACKPRESSURE_NACKS)).as("nothing within credit refused").isZero();
        }
    }

    @Test
    void shouldAdmitAndDispatchAnOtpWhileACampaignFillsTheLane() throws Exception
    {
        final JumpClock clock = JumpClock.atSeoul("2026-11-25T12:00:00");
        // as above; the campaign's audience (40) is twice what marketing may hold in the lane (16 of 20)
        final var settings = EngineFixture.settings(dir).set("lane.sms.capacity", "20")
            .set("lane.sms.reservedPercent", "20").set("lane.sms.window", "4")
            .set("lane.sms.connector.stall", "true").set("template.promo", PROMO);
        try (Dispatcher engine = EngineFixture.launch(settings, clock);
            RawConnection marketer = RawConnection.open(engine.port(), "demo", "demo-key");
            RawConnection otpClient = RawConnection.open(engine.port(), "demo", "demo-key"))
        {
            final List<byte[]> audience = new ArrayList<>();
            for (int i = 0; i < 40; i++)
            {
                audience.add(new DirectoryOpWriter().upsert("r" + i).string("phone", "0102000" + (1000 + i))
                    .consentField("sms", ConsentFlags.AD, 0, 0, "signup").toBytes());
            }
            marketer.send(b -> TargetingFrames.directoryUpdate(b, 1, audience));
            assertThat(DirectoryResult.of(marketer.read()).applied()).isEqualTo(40);
            marketer.send(b -> TargetingFrames.campaign(b, 2, false, 0, 0, "flat-out", "",
                new byte[] {ChannelType.SMS.code()}, "consent('sms')", (int)ChannelType.SMS.code(), "promo"));
            final CampaignResult started = CampaignResult.of(marketer.read());
            assertThat(started.state()).isEqualTo(CampaignDescriptor.STATE_RUNNING);

            final var lane = engine.lane(ChannelType.SMS);
            await(() -> lane.admission().bulkInSystem() == 16 && lane.inFlight() == 3,
                () -> "campaign fills marketing's 16 admission slots and its 3 of the 4 window slots; admitted "
                    + lane.admission().bulkInSystem() + ", in flight " + lane.inFlight());

            otpClient.submit(1, MessageKind.AUTH, ChannelType.SMS, "", "01099990000", "code 123456");
            final Frame answer = otpClient.read();
            assertThat(answer.type).as("the OTP is acked, not refused").isEqualTo(MessageType.ACK);
            final Frame credit = otpClient.readAnyWithTimeout(5_000);
            assertThat(credit.type).as("its connection keeps its credit").isEqualTo(MessageType.CREDIT);
            final List<Integer> otpState = StatusPoller.await(otpClient, List.of(answer.messageId()), 30_000,
                s -> s == DeliveryState.DISPATCHED.code());
            assertThat(otpState).as("sent ahead of the campaign's backlog, in the window slot kept for it")
                .containsExactly((int)DeliveryState.DISPATCHED.code());
            assertThat(lane.admission().bulkInSystem()).as("the campaign took none of the reserved share")
                .isEqualTo(16);
            assertThat(lane.inFlight()).isEqualTo(4);
            assertThat(lane.bulkDepth()).as("the campaign's backlog waits in the bulk queue").isEqualTo(13);
            assertThat(engine.counters().get(Counter.BACKPRESSURE_NACKS)).isZero();
        }
    }

    /**
     * The ring's marketing share ({@code ring.marketingSlots}) taken by a campaign fanning out as fast as it can and a
     * client's marketing flood at once, on a fast lane: OTPs sent meanwhile are all acked, the flood is acked in full
     * (it waited for the share, nothing was refused), the campaign fans out to everyone (it waited and went on as the
     * ack stage gave slots back), and afterwards the share holds nothing: no slot leaked on any path.
     */
    @Test
    void shouldShareTheRingsMarketingShareBetweenACampaignAndAClientFloodWhileOtpsAreAcked() throws Exception
    {
        final int audience = 3_000;
        final int flood = 2_000;
        final JumpClock clock = JumpClock.atSeoul("2026-11-25T12:00:00");
        final var settings = EngineFixture.settings(dir).set("ring.marketingSlots", "16").set("template.promo", PROMO);
        try (Dispatcher engine = EngineFixture.launch(settings, clock);
            RawConnection marketer = RawConnection.open(engine.port(), "demo", "demo-key");
            RawConnection bulk = RawConnection.open(engine.port(), "demo", "demo-key");
            RawConnection otpClient = RawConnection.open(engine.port(), "demo", "demo-key"))
        {
            loadAudience(marketer, audience);

            final CompletableFuture<List<Byte>> floodAnswers = CompletableFuture.supplyAsync(() ->
            {
                try
                {
                    bulk.send(b ->
                    {
                        for (int i = 0; i < flood; i++)
                        {
                            RawConnection.submitFrame(b, i + 1, MessageKind.MARKETING, ChannelType.SMS, "",
                                String.format("0104%07d", i), null, PROMO, null);
                        }
                    });
                    final List<Byte> types = new ArrayList<>();
                    for (int i = 0; i < flood; i++)
                    {
                        types.add(bulk.read().type);
                    }
                    return types;
                }
                catch (final java.io.IOException ex)
                {
                    throw new java.io.UncheckedIOException(ex);
                }
            });
            marketer.send(b -> TargetingFrames.campaign(b, 10, false, 0, 0, "flat-out", "",
                new byte[] {ChannelType.SMS.code()}, "consent('sms')", (int)ChannelType.SMS.code(), "promo"));
            final long campaignId = CampaignResult.of(marketer.read()).id();

            for (int i = 0; i < 20; i++)
            {
                otpClient.submit(i + 1, i % 2 == 0 ? MessageKind.AUTH : MessageKind.INFORMATIONAL, ChannelType.SMS, "",
                    "0109999" + (1000 + i), "code " + i);
                assertThat(otpClient.read().type).as("OTP %d acked", i).isEqualTo(MessageType.ACK);
            }

            assertThat(floodAnswers.get(60, TimeUnit.SECONDS)).as("the whole flood acked, none refused")
                .hasSize(flood).containsOnly(MessageType.ACK);
            final CampaignResult done =
                CampaignIT.awaitState(marketer, campaignId, CampaignDescriptor.STATE_FANNED_OUT);
            assertThat(done.counter(CampaignDescriptor.COUNTER_FANNED_OUT)).isEqualTo(audience);
            assertThat(engine.counters().get(Counter.BACKPRESSURE_NACKS)).isZero();
            await(() -> marketingHeld(engine) == 0, () -> "marketing still holds " + marketingHeld(engine) + " slots");
        }
    }

    /**
     * The lane's rate: a campaign whose backlog needs two minutes at marketing's part of the rate (8 of 10 a second)
     * does not delay an OTP, which takes the reserved part: it is sent while most of the campaign still waits.
     */
    @Test
    void shouldSendAnOtpAtOnceWhileACampaignSaturatesTheLanesRate() throws Exception
    {
        final int audience = 1_000;
        final JumpClock clock = JumpClock.atSeoul("2026-11-25T12:00:00");
        final var settings = EngineFixture.settings(dir).set("lane.sms.ratePerSecond", "10")
            .set("lane.sms.reservedPercent", "20").set("template.promo", PROMO);
        try (Dispatcher engine = EngineFixture.launch(settings, clock);
            RawConnection marketer = RawConnection.open(engine.port(), "demo", "demo-key");
            RawConnection otpClient = RawConnection.open(engine.port(), "demo", "demo-key"))
        {
            loadAudience(marketer, audience);
            marketer.send(b -> TargetingFrames.campaign(b, 10, false, 0, 0, "rate-bound", "",
                new byte[] {ChannelType.SMS.code()}, "consent('sms')", (int)ChannelType.SMS.code(), "promo"));
            CampaignResult.of(marketer.read());
            final var lane = engine.lane(ChannelType.SMS);
            await(() -> lane.bulkDepth() > audience / 2,
                () -> "the campaign's backlog queued in the lane: " + lane.bulkDepth());

            otpClient.submit(1, MessageKind.AUTH, ChannelType.SMS, "", "01099990000", "code 123456");
            final Frame answer = otpClient.read();
            assertThat(answer.type).isEqualTo(MessageType.ACK);
            // sent: the simulated provider may already have delivered it when the poll comes
            final java.util.function.IntPredicate sent = s -> s == DeliveryState.DISPATCHED.code()
                || s == DeliveryState.PROVIDER_ACCEPTED.code() || s == DeliveryState.DELIVERED.code();
            assertThat(StatusPoller.await(otpClient, List.of(answer.messageId()), 30_000, sent))
                .singleElement().matches(sent::test, "dispatched, accepted or delivered");
            assertThat(lane.bulkDepth()).as("the OTP did not wait behind the campaign's backlog")
                .isGreaterThan(audience / 2);
        }
    }

    /** {@code count} recipients r0.. with an SMS phone and ad consent, in batches of 1,000. */
    private static void loadAudience(final RawConnection c, final int count) throws Exception
    {
        for (int batch = 0; batch < count / 1_000; batch++)
        {
            final List<byte[]> ops = new ArrayList<>();
            for (int i = batch * 1_000; i < (batch + 1) * 1_000; i++)
            {
                ops.add(new DirectoryOpWriter().upsert("r" + i).string("phone", String.format("0103%07d", i))
                    .consentField("sms", ConsentFlags.AD, 0, 0, "signup").toBytes());
            }
            final long correlationId = batch + 1;
            c.send(b -> TargetingFrames.directoryUpdate(b, correlationId, ops));
            assertThat(DirectoryResult.of(c.read()).applied()).isEqualTo(1_000);
        }
    }

    private long marketingHeld(final Dispatcher engine)
    {
        try
        {
            return AdminHttp.metric(AdminHttp.get(engine.adminPort(), dir, "/metrics").body(),
                "dispatch_ring_marketing_held");
        }
        catch (final Exception ex)
        {
            throw new AssertionError(ex);
        }
    }

    private static void await(final BooleanSupplier reached, final java.util.function.Supplier<String> state)
        throws InterruptedException
    {
        final long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!reached.getAsBoolean() && System.nanoTime() < end)
        {
            Thread.sleep(10);
        }
        assertThat(reached.getAsBoolean()).as(state).isTrue();
    }
}
