package io.dispatch.config;

import org.junit.jupiter.api.Test;

import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

class TenantPolicyTest
{
    @Test
    void shouldGiveOnlyTheDemoTenantADefaultOptOutFooterWhenNoneIsConfigured()
    {
        final Settings s = new Settings(new Properties()).set("tenant.shop.optOutFooter", "무료거부 080-111-2222");

        assertThat(TenantPolicy.read(s, "demo").optOutFooter()).isEqualTo("무료수신거부 080-000-0000");
        assertThat(TenantPolicy.read(s, "acme").optOutFooter()).isNull();
        assertThat(TenantPolicy.read(s, "shop").optOutFooter()).isEqualTo("무료거부 080-111-2222");
        assertThat(TenantPolicy.read(s.set("tenant.demo.optOutFooter", "무료수신거부 080-999-9999"), "demo")
            .optOutFooter()).isEqualTo("무료수신거부 080-999-9999");
    }
}
