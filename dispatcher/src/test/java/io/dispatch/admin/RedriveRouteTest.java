package io.dispatch.admin;

import io.dispatch.config.TenantRegistry;
import io.dispatch.ring.RingPort;
import io.dispatch.route.AdminReply;
import io.dispatch.status.LaneAdmission;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RedriveRouteTest
{
    @Test
    void shouldRefuseToResendWhileTheJournalDiskIsFull()
    {
        try (RedriveRoute route = new RedriveRoute(null, null, new RingPort("redrive", 0),
            new TenantRegistry(List.of()), new LaneAdmission[4],
            () -> true))
        {
            final AdminReply reply = route.handle("POST", new QueryStringDecoder("/redrive?reason=RETRIES_EXHAUSTED"));

            assertThat(reply.status()).isEqualTo(503);
            assertThat(reply.body()).contains("journal.minFreeBytes");
            assertThat(route.handle("GET", new QueryStringDecoder("/redrive")).body()).as("no job started")
                .isEqualTo("{\"state\":\"none\"}\n");
        }
    }
}
