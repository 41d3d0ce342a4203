package io.dispatch.admin;

import com.lmax.disruptor.RingBuffer;
import io.dispatch.config.TenantConfig;
import io.dispatch.config.TenantRegistry;
import io.dispatch.protocol.MessageKind;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.ring.RingPort;
import io.dispatch.route.AdminReply;
import io.dispatch.stage.PolicyCaps;
import io.dispatch.status.PolicyRates;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runtime rate and cap changes as the route publishes them into a real ring (no stages: what reaches the ring is
 * what the policy and journal stages would get), and what it refuses before anything is published.
 */
class RateAdminRouteTest
{
    private final RingBuffer<DispatchEvent> ring = RingBuffer.createMultiProducer(DispatchEvent::new, 16);
    private final List<TenantConfig> configs = List.of(new TenantConfig(1, "demo", "k"));
    private final AtomicBoolean storageFull = new AtomicBoolean();
    private final RateAdminRoute route = new RateAdminRoute(ring, new RingPort("admin", 0),
        new TenantRegistry(configs), configs,
        new PolicyRates(2), new PolicyCaps(2), storageFull::get);

    @Test
    void shouldPublishACapChangeForThePolicyAndJournalStages()
    {
        final AdminReply reply = post("/tenants/demo/caps?kind=marketing&channel=sms&rules=2/1h,5/1d");

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(reply.body()).startsWith("applied: tenant demo marketing on sms caps 2/1h,5/1d");
        assertThat(ring.getCursor()).isZero();
        final DispatchEvent e = ring.get(0);
        assertThat(e.type).isEqualTo(DispatchEvent.POLICY_UPDATE);
        assertThat(e.tenantId).isEqualTo(1);
        assertThat(e.kind).isEqualTo(MessageKind.MARKETING.code());
        assertThat(e.channel).isEqualTo((byte)1);
        assertThat(e.capRules).hasToString("2/1h,5/1d");

        assertThat(post("/tenants/demo/rate?perSecond=5").status()).isEqualTo(200);
        assertThat(ring.get(1).capRules).as("a rate change in a reused slot is not read as caps").isNull();
    }

    @Test
    void shouldRefuseEveryChangeOnAFullDiskAndPublishNothing()
    {
        storageFull.set(true);
        final AdminReply caps = post("/tenants/demo/caps?kind=auth&rules=3/1m");
        assertThat(caps.status()).isEqualTo(503);
        assertThat(caps.body()).contains("STORAGE_FULL", "journal.minFreeBytes");
        assertThat(post("/tenants/demo/rate?perSecond=5").status()).isEqualTo(503);
        assertThat(ring.getCursor()).as("nothing published").isEqualTo(-1);

        storageFull.set(false);
        assertThat(post("/tenants/demo/caps?kind=auth&rules=3/1m").status()).as("space is back").isEqualTo(200);
    }

    @Test
    void shouldRefuseBadCapsNamingTheParameter()
    {
        assertThat(post("/tenants/demo/caps?kind=marketing&rules=0/1h").body()).contains("rules");
        assertThat(post("/tenants/demo/caps?kind=marketing&rules=2/1h&channel=fax").body()).contains("channel", "fax");
        assertThat(post("/tenants/demo/caps?rules=2/1h").status()).isEqualTo(400);
        assertThat(post("/tenants/nobody/caps?kind=auth&rules=2/1h").status()).isEqualTo(404);
        assertThat(ring.getCursor()).isEqualTo(-1);
    }

    private AdminReply post(final String uri)
    {
        return route.handle("POST", new QueryStringDecoder(uri));
    }
}
