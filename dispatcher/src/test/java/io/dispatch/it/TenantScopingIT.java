package io.dispatch.it;

import io.dispatch.Dispatcher;
import io.dispatch.client.Campaign;
import io.dispatch.client.CampaignAction;
import io.dispatch.client.CampaignResult;
import io.dispatch.client.CampaignState;
import io.dispatch.client.CancelResult;
import io.dispatch.client.ClientConfig;
import io.dispatch.client.DirectoryBatch;
import io.dispatch.client.DispatchClient;
import io.dispatch.client.DispatchException;
import io.dispatch.client.Explanation;
import io.dispatch.client.Submit;
import io.dispatch.client.SubmitResult;
import io.dispatch.config.Settings;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.Decision;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.DirectoryOpWriter;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.Frames;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import io.dispatch.testing.EngineFixture;
import io.dispatch.testing.JumpClock;
import io.dispatch.testing.Statuses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.dispatch.protocol.ConsentFlags.AD;
import static io.dispatch.protocol.ConsentFlags.OPTED_OUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every request that names a message, key, campaign, consent or directory entry acts within the caller's tenant
 * only: tenant "other" sends each request type with tenant "demo"'s identifiers, gets NOT_FOUND (or, for the
 * tenant's own key and recipient namespaces, the answer for an identifier it never used), and demo's message,
 * campaign, consent and directory entry are then checked through demo and found unchanged.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TenantScopingIT
{
    private static final long HOUR = 3_600_000L;
    private static final String PROMO = "(광고)[shop] 50% sale 무료수신거부 080-000-0000";
    private static final String PHONE = "01055550001";

    @TempDir
    Path dir;

    private final JumpClock clock = JumpClock.atSeoul("2026-11-25T12:00:00");

    @Test
    void shouldAnswerNotFoundToAnotherTenantsIdentifiersAndChangeNothing() throws Exception
    {
        final Settings settings = EngineFixture.settings(dir).set("template.promo", CampaignIT.TEMPLATE);
        try (Dispatcher engine = EngineFixture.launch(settings, clock);
             DispatchClient a = connect(engine.port(), "demo", "demo-key");
             DispatchClient b = connect(engine.port(), "other", "other-key"))
        {
            final List<Long> receiptsOfB = new CopyOnWriteArrayList<>();
            final List<DeliveryState> statesOfB = new CopyOnWriteArrayList<>();
            get(b.subscribeReceipts(Frames.SCOPE_TENANT, (id, state, attempts, reason, at) ->
            {
                receiptsOfB.add(id);
                statesOfB.add(state);
            }));

            // demo's identifiers: a deferred and a delivered message, a consent, a directory entry, a campaign
            final long deferred = get(a.submit(info("a-deferred").sendAt(clock.time() + HOUR).build())).messageId();
            final long delivered = get(a.submit(info("a-sent").build())).messageId();
            assertThat(Statuses.awaitTerminal(a, delivered).state()).isEqualTo(DeliveryState.DELIVERED);
            get(a.updateConsent(PHONE, ChannelType.SMS, AD, 0, "signup-form"));
            assertThat(get(a.updateDirectory(batch(new DirectoryOpWriter().upsert("r1").string("region", "Seoul")
                .string("phone", "01012340001").addTag("a-only").consentField("sms", AD, 0, 0, "signup")))).applied())
                .isEqualTo(1);
            final long campaign = get(a.startCampaign(campaign("a-campaign", false)
                .startAt(clock.time() + HOUR).build())).campaignId();
            assertThat(get(a.explain(marketing(PHONE))).decision()).isEqualTo(Decision.SEND);
            assertThat(get(a.startCampaign(campaign("a-explain", true).build())).decidedSend()).isEqualTo(1);

            // STATUS, CANCEL by id: NOT_FOUND
            assertNotFound(b.status(deferred));
            assertNotFound(b.status(delivered));
            assertNotFound(b.cancel(deferred));
            assertNotFound(b.cancel(delivered));
            // CANCEL by key: the answer for a key the tenant never used
            assertNotFound(b.cancelByKey("a-deferred"));
            // explain (dry run) and SUBMIT with demo's key: not a duplicate of demo's message
            final Explanation explained = get(b.explain(info("a-sent").build()));
            assertThat(explained.decision()).isEqualTo(Decision.SEND);
            assertThat(explained.duplicateOf()).isNotEqualTo(delivered);
            final SubmitResult ownSubmit = get(b.submit(info("a-sent").build()));
            assertThat(ownSubmit.duplicate()).isFalse();
            assertThat(ownSubmit.messageId()).isNotEqualTo(delivered);

            // campaign control and stats, by id and by name: NOT_FOUND
            for (final CampaignAction action : CampaignAction.values())
            {
                assertNotFound(b.controlCampaign(campaign, action));
            }
            assertNotFound(b.campaignStats(campaign));
            assertNotFound(b.campaignStats("a-campaign"));
            // a campaign of the same name is other's own
            final long ownCampaign = get(b.startCampaign(campaign("a-campaign", false)
                .startAt(clock.time() + HOUR).build())).campaignId();
            assertThat(ownCampaign).isNotEqualTo(campaign);
            assertThat(get(b.controlCampaign(ownCampaign, CampaignAction.CANCEL)).state())
                .isEqualTo(CampaignState.CANCELLED);
            // a dry-run campaign over demo's segment sees none of demo's directory
            assertThat(get(b.startCampaign(campaign("a-explain", true).build())).targeted()).isZero();

            // consent and directory ops naming demo's phone and recipient: applied to other's own entries
            get(b.updateConsent(PHONE, ChannelType.SMS, OPTED_OUT, AD, "b-call-center"));
            assertThat(get(b.explain(marketing(PHONE))).decision()).isEqualTo(Decision.SUPPRESS);
            assertThat(get(b.updateDirectory(batch(new DirectoryOpWriter().patch("r1").removeTag("a-only"),
                new DirectoryOpWriter().consent("r1", ChannelType.SMS.code(), 0, AD, 0, "b"),
                new DirectoryOpWriter().delete("r1")))).applied()).isEqualTo(3);

            // other's receipts: only its own message's (demo's were all recorded before other's submit)
            assertThat(Statuses.awaitTerminal(b, ownSubmit.messageId()).state()).isEqualTo(DeliveryState.DELIVERED);
            final long end = System.currentTimeMillis() + 10_000;
            while (!statesOfB.contains(DeliveryState.DELIVERED) && System.currentTimeMillis() < end)
            {
                Thread.sleep(10);
            }
            assertThat(statesOfB).contains(DeliveryState.DELIVERED);
            assertThat(receiptsOfB).containsOnly(ownSubmit.messageId());

            // demo's side: everything as it was
            assertThat(get(a.status(deferred)).state()).isEqualTo(DeliveryState.DEFERRED);
            assertThat(get(a.status(delivered)).state()).isEqualTo(DeliveryState.DELIVERED);
            assertThat(get(a.campaignStats(campaign)).state()).isEqualTo(CampaignState.SCHEDULED);
            assertThat(get(a.campaignStats("a-campaign")).campaignId()).isEqualTo(campaign);
            assertThat(get(a.explain(marketing(PHONE))).decision()).isEqualTo(Decision.SEND);
            final CampaignResult again = get(a.startCampaign(campaign("a-explain", true).build()));
            assertThat(again.targeted()).as("r1 still tagged: %s", again).isEqualTo(1);
            assertThat(again.decidedSend()).as("r1 still consents: %s", again).isEqualTo(1);
            final Explanation duplicate = get(a.explain(info("a-sent").build()));
            assertThat(duplicate.decision()).isEqualTo(Decision.DUPLICATE);
            assertThat(duplicate.duplicateOf()).isEqualTo(delivered);
            // still deferred: its own tenant cancels it
            final CancelResult own = get(a.cancelByKey("a-deferred"));
            assertThat(own.cancelled()).isTrue();
            assertThat(own.messageId()).isEqualTo(deferred);
            assertThat(get(a.status(deferred)).reason()).isEqualTo(Reason.CANCELLED);
            assertThat(get(a.cancel(delivered)).cancelled()).as("own, not deferred").isFalse();
        }
    }

    static DispatchClient connect(final int port, final String tenant, final String key)
    {
        return DispatchClient.connect(ClientConfig.builder().port(port).tenant(tenant).apiKey(key).build());
    }

    static <T> T get(final CompletableFuture<T> f) throws Exception
    {
        return f.get(10, TimeUnit.SECONDS);
    }

    static void assertNotFound(final CompletableFuture<?> f)
    {
        assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class)
            .cause().isInstanceOf(DispatchException.class)
            .satisfies(ex -> assertThat(((DispatchException)ex).code()).isEqualTo(ErrorCode.NOT_FOUND));
    }

    private static Submit.Builder info(final String key)
    {
        return Submit.builder().to("01012345678").text("order shipped").key(key);
    }

    private static Submit marketing(final String to)
    {
        return Submit.builder().kind(MessageKind.MARKETING).channel(ChannelType.SMS).to(to).text(PROMO).build();
    }

    private static Campaign.Builder campaign(final String name, final boolean dryRun)
    {
        return Campaign.builder().name(name).segment("tag('a-only')").channels(ChannelType.SMS)
            .template(ChannelType.SMS, "promo").var("coupon", "A").dryRun(dryRun);
    }

    private static DirectoryBatch batch(final DirectoryOpWriter... ops)
    {
        final DirectoryBatch batch = new DirectoryBatch();
        for (final DirectoryOpWriter op : ops)
        {
            batch.add(op.toBytes());
        }
        return batch;
    }
}
