package io.dispatch.it;

import io.dispatch.Dispatcher;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DirectoryOpWriter;
import io.dispatch.testing.EngineFixture;
import io.dispatch.testing.JumpClock;
import io.dispatch.testing.RawConnection;
import io.dispatch.testing.TargetingFrames;
import io.dispatch.testing.TargetingFrames.CampaignResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.dispatch.protocol.CampaignDescriptor.CHANNEL_DELIVERED;
import static io.dispatch.protocol.CampaignDescriptor.CHANNEL_FAILED;
import static io.dispatch.protocol.CampaignDescriptor.COUNTER_TARGETED;
import static io.dispatch.protocol.CampaignDescriptor.channelCounter;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A push token the provider declares dead (FCM UNREGISTERED, APNs 410) is invalidated in the recipient directory,
 * so segments stop targeting it, also after a restart. The simulated push provider answers UNREGISTERED for
 * {@code fcm:gone…} tokens.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class PushTokenInvalidationIT
{
    private static final byte[] PUSH = {ChannelType.PUSH.code()};
    private static final String SEGMENT = "reachable('push') and consent('push')";
    private static final AtomicLong CORRELATION = new AtomicLong(1);

    @TempDir
    Path dir;

    private final JumpClock clock = JumpClock.atSeoul("2026-11-25T12:00:00");

    @Test
    void shouldStopTargetingATokenTheProviderDeclaredGone() throws Exception
    {
        try (Dispatcher engine = EngineFixture.launch(CampaignIT.settings(dir), clock);
             RawConnection c = RawConnection.open(engine.port(), "demo", "demo-key"))
        {
            assertThat(CampaignIT.update(c, List.of(
                withToken("gone-user", "gone-1"), withToken("kept-user", "kept-1"))).applied()).isEqualTo(2);
            assertThat(campaign(c, true, "before").counter(COUNTER_TARGETED)).isEqualTo(2);

            final CampaignResult sent = campaign(c, false, "send");
            assertThat(sent.counter(COUNTER_TARGETED)).isEqualTo(2);
            awaitCounter(c, sent.id(), channelCounter(ChannelType.PUSH.code(), CHANNEL_FAILED), 1);
            awaitCounter(c, sent.id(), channelCounter(ChannelType.PUSH.code(), CHANNEL_DELIVERED), 1);

            // the invalidation reaches the directory through the targeting thread's inbox, after the rejection
            final long end = System.currentTimeMillis() + 15_000;
            long targeted;
            do
            {
                targeted = campaign(c, true, "after").counter(COUNTER_TARGETED);
            }
            while (targeted != 1 && System.currentTimeMillis() < end);
            assertThat(targeted).as("recipients a dry run targets once the dead token is invalidated").isEqualTo(1);
        }

        try (Dispatcher engine = EngineFixture.launch(CampaignIT.settings(dir), clock);
             RawConnection c = RawConnection.open(engine.port(), "demo", "demo-key"))
        {
            assertThat(campaign(c, true, "restarted").counter(COUNTER_TARGETED)).as("after a restart").isEqualTo(1);
        }
    }

    private static byte[] withToken(final String id, final String token)
    {
        return new DirectoryOpWriter().upsert(id).pushToken("fcm", token).consentField("push", 1, 0, 0, "app")
            .toBytes();
    }

    private static CampaignResult campaign(final RawConnection c, final boolean dryRun, final String name)
        throws Exception
    {
        final long corr = CORRELATION.getAndIncrement();
        c.send(b -> TargetingFrames.campaign(b, corr, dryRun, 0, 0, name, "", PUSH, SEGMENT,
            (int)ChannelType.PUSH.code(), "promo"));
        return CampaignResult.of(c.read());
    }

    private static void awaitCounter(final RawConnection c, final long id, final int counter, final long value)
        throws Exception
    {
        final long end = System.currentTimeMillis() + 15_000;
        long seen;
        do
        {
            seen = CampaignIT.stats(c, id, null).counter(counter);
        }
        while (seen != value && System.currentTimeMillis() < end);
        assertThat(seen).as("campaign counter %d", counter).isEqualTo(value);
    }
}
