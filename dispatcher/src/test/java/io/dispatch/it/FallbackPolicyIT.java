package io.dispatch.it;

import io.dispatch.Dispatcher;
import io.dispatch.client.ClientConfig;
import io.dispatch.client.DispatchClient;
import io.dispatch.client.Explanation;
import io.dispatch.client.StatusResult;
import io.dispatch.client.Submit;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.ConsentFlags;
import io.dispatch.protocol.Decision;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import io.dispatch.testing.EngineFixture;
import io.dispatch.testing.JumpClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A chat → SMS fallback is decided again under the SMS rules, end to end: the simulated chat provider does not know
 * {@code nochat…} recipients, the lane gives their messages up for SMS, and the policy stage sends an ad there only
 * with the recipient's SMS ad consent. EXPLAIN_RESULT says so beforehand.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class FallbackPolicyIT
{
    private static final String PROMO = "(광고)[shop] 50% sale 무료수신거부 080-000-0000";

    @TempDir
    Path dir;

    @Test
    void shouldSendAMarketingFallbackOnSmsOnlyWithSmsConsent() throws Exception
    {
        final JumpClock clock = JumpClock.atSeoul("2026-11-25T14:00:00");
        try (Dispatcher engine = EngineFixture.launch(EngineFixture.settings(dir).set("lane.chat.fallback", "sms")
                .set("policy.adMarking.chat", "validate"), clock);
            DispatchClient c = DispatchClient.connect(
                ClientConfig.builder().port(engine.port()).tenant("demo").apiKey("demo-key").build()))
        {
            final String chatOnly = "nochat-01011112222";
            final String both = "nochat-01033334444";
            c.updateConsent(chatOnly, ChannelType.CHAT, ConsentFlags.AD, 0, "form").get(10, TimeUnit.SECONDS);
            c.updateConsent(both, ChannelType.CHAT, ConsentFlags.AD, 0, "form").get(10, TimeUnit.SECONDS);
            c.updateConsent(both, ChannelType.SMS, ConsentFlags.AD, 0, "form").get(10, TimeUnit.SECONDS);

            final Explanation refusal = c.explain(marketing(chatOnly)).get(10, TimeUnit.SECONDS);
            assertThat(refusal.decision()).as("chat consent: sent on chat").isEqualTo(Decision.SEND);
            assertThat(refusal).extracting(Explanation::fallbackChannel, Explanation::fallbackDecision,
                Explanation::fallbackReason).as("--explain shows what the fallback would do")
                .containsExactly(ChannelType.SMS, Decision.SUPPRESS, Reason.NO_CONSENT);
            assertThat(c.explain(marketing(both)).get(10, TimeUnit.SECONDS))
                .extracting(Explanation::fallbackChannel, Explanation::fallbackDecision, Explanation::fallbackReason)
                .containsExactly(ChannelType.SMS, Decision.SEND, Reason.NONE);
            assertThat(c.explain(Submit.builder().kind(MessageKind.MARKETING).channel(ChannelType.SMS).to(both)
                .text(PROMO).build()).get(10, TimeUnit.SECONDS).fallbackChannel()).as("the SMS lane has none").isNull();

            final long refused = submit(c, chatOnly);
            final long moved = submit(c, both);
            final long informational = c.submit(Submit.builder().kind(MessageKind.INFORMATIONAL).channel(ChannelType.CHAT)
                .to(chatOnly).text("order 42 shipped").build()).get(10, TimeUnit.SECONDS).messageId();

            final StatusResult suppressed = awaitTerminal(c, refused);
            assertThat(suppressed.state()).isEqualTo(DeliveryState.SUPPRESSED);
            assertThat(suppressed.reason()).as("no ad consent on SMS").isEqualTo(Reason.NO_CONSENT);
            assertThat(suppressed.channel()).isEqualTo(ChannelType.SMS);

            final StatusResult delivered = awaitTerminal(c, moved);
            assertThat(delivered.state()).isEqualTo(DeliveryState.DELIVERED);
            assertThat(delivered.channel()).isEqualTo(ChannelType.SMS);

            final StatusResult notice = awaitTerminal(c, informational);
            assertThat(notice.state()).as("consent rules are for ads only").isEqualTo(DeliveryState.DELIVERED);
            assertThat(notice.channel()).isEqualTo(ChannelType.SMS);
        }
    }

    private static long submit(final DispatchClient c, final String to) throws Exception
    {
        return c.submit(marketing(to)).get(10, TimeUnit.SECONDS).messageId();
    }

    private static Submit marketing(final String to)
    {
        return Submit.builder().kind(MessageKind.MARKETING).channel(ChannelType.CHAT).to(to).text(PROMO).build();
    }

    private static StatusResult awaitTerminal(final DispatchClient c, final long id) throws Exception
    {
        final long end = System.nanoTime() + 30_000_000_000L;
        StatusResult r;
        do
        {
            r = c.status(id).get(10, TimeUnit.SECONDS);
            if (r.state().isTerminal())
            {
                return r;
            }
            Thread.sleep(20);
        }
        while (System.nanoTime() < end);
        throw new AssertionError("message " + id + " stayed " + r.state() + " on " + r.channel());
    }
}
