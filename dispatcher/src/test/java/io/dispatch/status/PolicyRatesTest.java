package io.dispatch.status;

import io.dispatch.protocol.ChannelType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PolicyRatesTest
{
    @Test
    void shouldKeepEveryChannelOfEveryTenantInItsOwnSlot()
    {
        final PolicyRates rates = new PolicyRates(3);
        for (int tenant = 0; tenant < 3; tenant++)
        {
            rates.publish(tenant, 0, 1000L * (tenant + 1), 0);
            for (final ChannelType c : ChannelType.values())
            {
                rates.publish(tenant, c.code(), 1000L * (tenant + 1) + c.code(), 7L * c.code());
            }
        }

        // the last channel (Messenger, code 5) of one tenant must not land on the next tenant's own rate
        for (int tenant = 0; tenant < 3; tenant++)
        {
            assertThat(rates.get(tenant, 0)).isEqualTo(1000L * (tenant + 1));
            assertThat(rates.inForce(tenant)).isEqualTo(1000L * (tenant + 1));
            for (final ChannelType c : ChannelType.values())
            {
                assertThat(rates.get(tenant, c.code())).isEqualTo(1000L * (tenant + 1) + c.code());
                assertThat(rates.changedAtMs(tenant, c.code())).isEqualTo(7L * c.code());
            }
        }
    }
}
