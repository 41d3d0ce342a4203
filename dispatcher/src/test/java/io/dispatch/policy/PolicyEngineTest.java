package io.dispatch.policy;

import io.dispatch.config.PolicyConfig;
import io.dispatch.config.Settings;
import io.dispatch.config.TenantPolicy;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.ConsentFlags;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import org.junit.jupiter.api.Test;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** Every rule and boundary on an injected clock (times are Asia/Seoul wall-clock times). */
class PolicyEngineTest
{
    private static final ZoneId SEOUL = ZoneId.of("Asia/Seoul");
    private static final int TENANT = 1;
    private static final int INFO = MessageKind.INFORMATIONAL.code();
    private static final int AUTH = MessageKind.AUTH.code();
    private static final int MKT = MessageKind.MARKETING.code();
    private static final int SMS = ChannelType.SMS.code();
    private static final int CHAT = ChannelType.CHAT.code();
    private static final long ALICE = 0x1234_5678_9abcL;
    private static final long BOB = 0x4321_8765_cba9L;

    private static long at(final String localDateTime)
    {
        return LocalDateTime.parse(localDateTime).atZone(SEOUL).toInstant().toEpochMilli();
    }

    private static PolicyEngine engine(final String... keyValues)
    {
        final Properties p = new Properties();
        p.setProperty("tenants", "acme");
        p.setProperty("tenant.acme.apiKey", "k");
        for (int i = 0; i < keyValues.length; i += 2)
        {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        final Settings s = new Settings(p);
        final TenantPolicy[] tenants = new TenantPolicy[2];
        tenants[TENANT] = TenantPolicy.read(s, "acme");
        final PolicyEngine engine = new PolicyEngine(PolicyConfig.read(s), tenants, new RecipientDirectory(),
            at("2026-11-25T12:00:00"));
        engine.directory().apply(ALICE, 0, ConsentFlags.AD, 0);
        return engine;
    }

    private static byte decide(final PolicyEngine e, final int kind, final int channel, final long recipient, final long now)
    {
        return e.decide(TENANT, kind, channel, recipient, 0, false, false, now);
    }

    @Test
    void shouldSendInformationalWithoutConsentButSuppressMarketingWithoutIt()
    {
        final PolicyEngine e = engine();
        final long noon = at("2026-11-25T12:00:00");
        assertThat(decide(e, INFO, SMS, BOB, noon)).isEqualTo(PolicyEngine.SEND);
        assertThat(decide(e, AUTH, SMS, BOB, noon)).isEqualTo(PolicyEngine.SEND);
        assertThat(decide(e, MKT, SMS, BOB, noon)).isEqualTo(PolicyEngine.SUPPRESS);
        assertThat(e.reason()).isEqualTo((short)Reason.NO_CONSENT.code());
        assertThat(decide(e, MKT, SMS, ALICE, noon)).isEqualTo(PolicyEngine.SEND);
    }

    @Test
    void shouldLetOptOutWinOverConsentAndOnlyOnItsChannel()
    {
        final PolicyEngine e = engine();
        final long noon = at("2026-11-25T12:00:00");
        e.directory().apply(ALICE, SMS, ConsentFlags.OPTED_OUT, 0);
        assertThat(decide(e, MKT, SMS, ALICE, noon)).isEqualTo(PolicyEngine.SUPPRESS);
        assertThat(e.reason()).isEqualTo((short)Reason.OPTED_OUT.code());
        assertThat(decide(e, MKT, ChannelType.PUSH.code(), ALICE, noon)).isEqualTo(PolicyEngine.SEND);
        assertThat(decide(e, INFO, SMS, ALICE, noon)).as("opt-out is from advertising only").isEqualTo(PolicyEngine.SEND);
        e.directory().apply(ALICE, SMS, 0, ConsentFlags.OPTED_OUT);
        assertThat(decide(e, MKT, SMS, ALICE, noon)).isEqualTo(PolicyEngine.SEND);
    }

    @Test
    void shouldStopDirectButNotCampaignMarketingOnAnOptOutMirroredFromTheDirectory()
    {
        final PolicyEngine e = engine();
        final long noon = at("2026-11-25T12:00:00");
        e.directory().apply(ALICE, SMS, ConsentFlags.DIRECTORY_OPTED_OUT, 0);
        assertThat(decide(e, MKT, SMS, ALICE, noon)).isEqualTo(PolicyEngine.SUPPRESS);
        assertThat(e.reason()).isEqualTo((short)Reason.OPTED_OUT.code());
        assertThat(e.decide(TENANT, MKT, SMS, ALICE, 0, false, false, noon, ConsentFlags.AD))
            .as("a campaign message decides on the directory's own flags").isEqualTo(PolicyEngine.SEND);
        assertThat(decide(e, INFO, SMS, ALICE, noon)).isEqualTo(PolicyEngine.SEND);

        e.directory().apply(ALICE, SMS, 0, ConsentFlags.OPTED_OUT);
        assertThat(decide(e, MKT, SMS, ALICE, noon)).as("a CONSENT frame clearing opted-out lifts it")
            .isEqualTo(PolicyEngine.SEND);
        assertThat(e.directory().flags(ALICE, SMS)).isEqualTo(ConsentFlags.AD);
    }

    @Test
    void shouldDeferMarketingAtTheLawsNightEdgesToEightOclock()
    {
        final PolicyEngine e = engine();
        assertThat(decide(e, MKT, SMS, ALICE, at("2026-11-25T20:59:59"))).isEqualTo(PolicyEngine.SEND);
        assertThat(decide(e, MKT, SMS, ALICE, at("2026-11-25T21:00:00"))).isEqualTo(PolicyEngine.DEFER);
        assertThat(e.reason()).isEqualTo((short)Reason.NIGHT_WINDOW.code());
        assertThat(e.dueAtMs()).isEqualTo(at("2026-11-26T08:00:00"));
        assertThat(decide(e, MKT, SMS, ALICE, at("2026-11-26T07:59:59"))).isEqualTo(PolicyEngine.DEFER);
        assertThat(e.dueAtMs()).isEqualTo(at("2026-11-26T08:00:00"));
        assertThat(decide(e, MKT, SMS, ALICE, at("2026-11-26T08:00:00"))).isEqualTo(PolicyEngine.SEND);
        assertThat(decide(e, INFO, SMS, BOB, at("2026-11-25T23:00:00"))).as("informational has no night").isEqualTo(PolicyEngine.SEND);
    }

    @Test
    void shouldLetNightConsentLiftTheLawsWindowButNotKakaosBlackout()
    {
        final PolicyEngine e = engine();
        e.directory().apply(ALICE, 0, ConsentFlags.NIGHT_AD, 0);
        assertThat(decide(e, MKT, SMS, ALICE, at("2026-11-25T22:00:00"))).isEqualTo(PolicyEngine.SEND);
        assertThat(decide(e, MKT, CHAT, ALICE, at("2026-11-25T20:49:59"))).isEqualTo(PolicyEngine.SEND);
        assertThat(decide(e, MKT, CHAT, ALICE, at("2026-11-25T20:50:00"))).isEqualTo(PolicyEngine.DEFER);
        assertThat(e.dueAtMs()).isEqualTo(at("2026-11-26T08:00:00"));
    }

    @Test
    void shouldSuppressAtNightUnderASuppressPolicyAndEvaluateInTheTenantsZone()
    {
        final PolicyEngine e = engine("tenant.acme.night", "suppress", "tenant.acme.timeZone", "Europe/London");
        // 21:30 in Seoul is 12:30 in London: daytime for this tenant
        assertThat(decide(e, MKT, SMS, ALICE, at("2026-11-25T21:30:00"))).isEqualTo(PolicyEngine.SEND);
        // 06:30 next day in Seoul is 21:30 in London
        assertThat(decide(e, MKT, SMS, ALICE, at("2026-11-26T06:30:00"))).isEqualTo(PolicyEngine.SUPPRESS);
        assertThat(e.reason()).isEqualTo((short)Reason.NO_NIGHT_CONSENT.code());
    }

    @Test
    void shouldCapMarketingOnRollingWindowsExactly()
    {
        final PolicyEngine e = engine("tenant.acme.cap.marketing", "1/24h,3/7d");
        final long t = at("2026-11-02T10:00:00");
        assertThat(decide(e, MKT, SMS, ALICE, t)).isEqualTo(PolicyEngine.SEND);
        assertThat(decide(e, MKT, ChannelType.PUSH.code(), ALICE, t + 86_399_000)).as("cross-channel cap")
            .isEqualTo(PolicyEngine.SUPPRESS);
        assertThat(e.reason()).isEqualTo((short)Reason.FREQUENCY_CAPPED.code());
        assertThat(decide(e, MKT, SMS, ALICE, t + 86_400_000)).as("24 h later exactly").isEqualTo(PolicyEngine.SEND);
        assertThat(decide(e, MKT, SMS, ALICE, t + 2 * 86_400_000)).isEqualTo(PolicyEngine.SEND);
        assertThat(decide(e, MKT, SMS, ALICE, t + 3 * 86_400_000)).as("4th within 7 days").isEqualTo(PolicyEngine.SUPPRESS);
        assertThat(decide(e, MKT, SMS, ALICE, t + 7 * 86_400_000 - 1000)).isEqualTo(PolicyEngine.SUPPRESS);
        assertThat(decide(e, MKT, SMS, ALICE, t + 7 * 86_400_000)).as("first send left the 7-day window")
            .isEqualTo(PolicyEngine.SEND);
        assertThat(decide(e, INFO, SMS, ALICE, t + 7 * 86_400_000)).as("informational exempt").isEqualTo(PolicyEngine.SEND);
        assertThat(e.decide(TENANT, MKT, SMS, ALICE, 0, false, true, t + 7 * 86_400_000 + 3_600_000))
            .as("a dry run sees the cap too").isEqualTo(PolicyEngine.SUPPRESS);
    }

    @Test
    void shouldNotRecordCapsOrTakeTokensInADryRun()
    {
        final PolicyEngine e = engine("tenant.acme.cap.marketing", "1/24h", "tenant.acme.rate.perSecond", "1");
        final long t = at("2026-11-25T12:00:00");
        for (int i = 0; i < 5; i++)
        {
            assertThat(e.decide(TENANT, MKT, SMS, ALICE, 0, false, true, t)).isEqualTo(PolicyEngine.SEND);
        }
        assertThat(decide(e, INFO, SMS, BOB, t)).isEqualTo(PolicyEngine.SEND);
        assertThat(e.decide(TENANT, INFO, SMS, BOB, 0, false, true, t)).as("explains the wait").isEqualTo(PolicyEngine.DEFER);
        assertThat(e.reason()).isEqualTo((short)Reason.RATE_LIMITED.code());
        assertThat(e.dueAtMs()).isEqualTo(t + 1000);
        assertThat(decide(e, INFO, SMS, BOB, t)).as("the dry run took nothing: the deferral is the same")
            .isEqualTo(PolicyEngine.DEFER);
        assertThat(e.dueAtMs()).isEqualTo(t + 1000);
    }

    @Test
    void shouldDeferScheduledSendsUntilTheirInstant()
    {
        final PolicyEngine e = engine();
        final long now = at("2026-11-25T12:00:00");
        assertThat(e.decide(TENANT, MKT, SMS, BOB, now + 3_600_000, false, false, now)).isEqualTo(PolicyEngine.DEFER);
        assertThat(e.reason()).isEqualTo((short)Reason.SCHEDULED.code());
        assertThat(e.dueAtMs()).isEqualTo(now + 3_600_000);
        assertThat(e.decide(TENANT, INFO, SMS, BOB, now - 1, false, false, now)).as("a past send-at sends now")
            .isEqualTo(PolicyEngine.SEND);
    }

    @Test
    void shouldPaceInformationalOverTheTenantRateAndKeepTheReservedShareFromMarketing()
    {
        // 10/s, 20 % reserved: marketing may use 8/s at most, informational queues ahead of it
        final PolicyEngine e = engine("tenant.acme.rate.perSecond", "10", "tenant.acme.rate.reservedPercent", "20");
        final long t = at("2026-11-25T12:00:00");
        int marketingSent = 0;
        for (int i = 0; i < 20; i++)
        {
            if (decide(e, MKT, SMS, ALICE, t) == PolicyEngine.SEND)
            {
                marketingSent++;
            }
        }
        assertThat(marketingSent).as("marketing capped at its 80 % share of the burst").isEqualTo(8);
        int infoSent = 0;
        long lastDue = 0;
        for (int i = 0; i < 5; i++)
        {
            if (decide(e, INFO, SMS, BOB, t) == PolicyEngine.SEND)
            {
                infoSent++;
            }
            else
            {
                assertThat(e.reason()).isEqualTo((short)Reason.RATE_LIMITED.code());
                assertThat(e.dueAtMs()).isGreaterThan(lastDue);
                lastDue = e.dueAtMs();
            }
        }
        assertThat(infoSent).as("the reserved 2 tokens are the informational class's").isEqualTo(2);
        assertThat(lastDue).as("3 deferred informational messages paced at 10/s").isEqualTo(t + 300);
        assertThat(decide(e, MKT, SMS, ALICE, t + 250)).as("marketing cannot take tokens owed to informational")
            .isEqualTo(PolicyEngine.DEFER);
    }

    @Test
    void shouldRefuseMarketingOverTheRateUnderARejectPolicy()
    {
        final PolicyEngine e = engine("tenant.acme.rate.perSecond", "2", "tenant.acme.rate.reservedPercent", "50",
            "tenant.acme.rate.marketing", "reject");
        final long t = at("2026-11-25T12:00:00");
        assertThat(decide(e, MKT, SMS, ALICE, t)).isEqualTo(PolicyEngine.SEND);
        assertThat(decide(e, MKT, SMS, ALICE, t)).isEqualTo(PolicyEngine.REFUSE);
        assertThat(e.reason()).isEqualTo((short)Reason.RATE_LIMITED.code());
        assertThat(decide(e, INFO, SMS, BOB, t)).as("the reserved share is still there").isEqualTo(PolicyEngine.SEND);
    }

    @Test
    void shouldApplyASenderProfileLimitPerChannelAndRuntimeRateChanges()
    {
        final PolicyEngine e = engine("tenant.acme.rate.sms.perSecond", "1");
        final long t = at("2026-11-25T12:00:00");
        assertThat(decide(e, INFO, SMS, BOB, t)).isEqualTo(PolicyEngine.SEND);
        assertThat(decide(e, INFO, SMS, BOB, t)).isEqualTo(PolicyEngine.DEFER);
        assertThat(decide(e, INFO, ChannelType.PUSH.code(), BOB, t)).isEqualTo(PolicyEngine.SEND);
        e.setChannelRate(TENANT, SMS, 0, t);
        assertThat(decide(e, INFO, SMS, BOB, t + 1)).as("0 = unlimited").isEqualTo(PolicyEngine.SEND);
        e.setTenantRate(TENANT, 1, 1, 0, t + 1);
        assertThat(decide(e, INFO, SMS, BOB, t + 1)).isEqualTo(PolicyEngine.SEND);
        assertThat(decide(e, INFO, SMS, BOB, t + 1)).isEqualTo(PolicyEngine.DEFER);
    }

    @Test
    void shouldEnforceAClusterNodesShareOfEveryRateAndKeepTheConfiguredOneForTheNextShare()
    {
        final PolicyEngine e = engine("tenant.acme.rate.perSecond", "600", "tenant.acme.rate.sms.perSecond", "60");
        final long t = at("2026-11-25T12:00:00");
        e.share(2, 6, t);
        assertThat(e.tenantRate(TENANT)).isEqualTo(200);
        assertThat(e.channelRate(TENANT, SMS)).isEqualTo(20);
        assertThat(e.channelRate(TENANT, ChannelType.PUSH.code())).as("unlimited stays unlimited").isZero();
        e.setTenantRate(TENANT, 900, 0, 20, t);
        assertThat(e.tenantRate(TENANT)).as("a runtime change is shared too").isEqualTo(300);
        e.share(1, 6, t);
        assertThat(e.tenantRate(TENANT)).as("re-applied from the configured rate, not the old share").isEqualTo(150);
        e.share(0, 6, t);
        assertThat(e.tenantRate(TENANT)).as("a limit never rounds down to unlimited").isEqualTo(1);
        e.share(6, 6, t);
        assertThat(e.tenantRate(TENANT)).isEqualTo(900);
        assertThat(e.channelRate(TENANT, SMS)).isEqualTo(60);
    }

    @Test
    void shouldNotChargeAPrepaidInformationalMessageAgainOnRelease()
    {
        final PolicyEngine e = engine("tenant.acme.rate.perSecond", "1");
        final long t = at("2026-11-25T12:00:00");
        assertThat(decide(e, INFO, SMS, BOB, t)).isEqualTo(PolicyEngine.SEND);
        assertThat(decide(e, INFO, SMS, BOB, t)).isEqualTo(PolicyEngine.DEFER);
        assertThat(e.prepaid()).isTrue();
        final long due = e.dueAtMs();
        assertThat(e.decide(TENANT, INFO, SMS, BOB, 0, true, false, due)).isEqualTo(PolicyEngine.SEND);
        assertThat(decide(e, INFO, SMS, BOB, due)).as("the released message used its reserved token")
            .isEqualTo(PolicyEngine.DEFER);
    }
}
