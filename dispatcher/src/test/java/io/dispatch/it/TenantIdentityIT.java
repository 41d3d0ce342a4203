package io.dispatch.it;

import io.dispatch.Dispatcher;
import io.dispatch.client.DispatchClient;
import io.dispatch.client.Submit;
import io.dispatch.client.SubmitResult;
import io.dispatch.config.ConfigurationException;
import io.dispatch.config.Settings;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.testing.EngineFixture;
import io.dispatch.testing.Statuses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static io.dispatch.it.TenantScopingIT.assertNotFound;
import static io.dispatch.it.TenantScopingIT.connect;
import static io.dispatch.it.TenantScopingIT.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A tenant's identity (its idempotency keys, its messages) survives a restart with the tenants list reordered. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TenantIdentityIT
{
    @TempDir
    Path dir;

    @Test
    void shouldKeepEachTenantsKeysAndMessagesWhenTheTenantsListIsReordered() throws Exception
    {
        final Submit keyed = Submit.builder().to("01012345678").text("order 42 shipped").key("order-42").build();
        final long original;
        try (Dispatcher engine = EngineFixture.launch(EngineFixture.settings(dir));
             DispatchClient a = connect(engine.port(), "demo", "demo-key"))
        {
            original = get(a.submit(keyed)).messageId();
            assertThat(Statuses.awaitTerminal(a, original).state()).isEqualTo(DeliveryState.DELIVERED);
        }

        final Settings reordered = EngineFixture.settings(dir).set("tenants", "other,demo");
        try (Dispatcher engine = EngineFixture.launch(reordered);
             DispatchClient a = connect(engine.port(), "demo", "demo-key");
             DispatchClient b = connect(engine.port(), "other", "other-key"))
        {
            final SubmitResult again = get(a.submit(keyed));
            assertThat(again.duplicate()).isTrue();
            assertThat(again.messageId()).isEqualTo(original);

            final SubmitResult ofOther = get(b.submit(keyed));
            assertThat(ofOther.duplicate()).as("the same key is another tenant's own").isFalse();
            assertThat(ofOther.messageId()).isNotEqualTo(original);

            assertNotFound(b.status(original));
            assertNotFound(b.cancel(original));
            assertThat(get(a.status(original)).state()).isEqualTo(DeliveryState.DELIVERED);
        }
    }

    @Test
    void shouldRefuseToStartWithAPinnedIdThatRenumbersAnExistingTenant() throws Exception
    {
        try (Dispatcher engine = EngineFixture.launch(EngineFixture.settings(dir)))
        {
            assertThat(engine.port()).isPositive();
        }
        final Settings renumbered = EngineFixture.settings(dir).set("tenant.other.id", "1");
        assertThatThrownBy(() -> EngineFixture.launch(renumbered).close())
            .isInstanceOf(ConfigurationException.class)
            .hasMessageStartingWith("configuration key 'tenant.other.id': tenant other has id 2 in ");
    }
}
