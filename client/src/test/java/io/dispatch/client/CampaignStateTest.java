package io.dispatch.client;

import io.dispatch.protocol.CampaignDescriptor;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The engine names campaign states with CampaignDescriptor.stateName; the client library with this enum. */
class CampaignStateTest
{
    @Test
    void shouldNameEveryStateAsTheEngineDoes()
    {
        for (final CampaignState s : CampaignState.values())
        {
            assertThat(CampaignDescriptor.stateName(s.code())).isEqualTo(s.name());
            assertThat(CampaignState.of(s.code())).isSameAs(s);
        }
    }

    @Test
    void shouldKnowNoNameForAnUndefinedState()
    {
        assertThat(CampaignDescriptor.stateName(0)).isNull();
        assertThat(CampaignDescriptor.stateName(CampaignDescriptor.STATE_EXPLAINED + 1)).isNull();
        assertThat(CampaignState.of(0)).isNull();
    }
}
