package io.dispatch.it;

import io.dispatch.Dispatcher;
import io.dispatch.testing.AdminHttp;
import io.dispatch.testing.EngineFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an embedding gives the engine in its {@link Dispatcher.Context} is in force from the first request: the
 * configuration a reload re-reads and the extra {@code /metrics} families (cluster mode's), with no setter to call on
 * the running engine.
 */
@Timeout(60)
class DispatcherContextIT
{
    @TempDir
    Path dir;

    @Test
    void shouldServeTheContextsExtraMetricsAndReloadFromItsSource() throws Exception
    {
        final Dispatcher.Context context = Dispatcher.Context.DEFAULT
            .withConfigSource(() -> EngineFixture.settings(dir))
            .withExtraMetrics(sb -> sb.append("# TYPE dispatch_test_extra gauge\ndispatch_test_extra 7\n"));
        try (Dispatcher engine = EngineFixture.launch(EngineFixture.settings(dir), context))
        {
            final HttpResponse<String> metrics = AdminHttp.get(engine.adminPort(), dir, "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(AdminHttp.metric(metrics.body(), "dispatch_test_extra")).isEqualTo(7);

            final HttpResponse<String> reload = AdminHttp.post(engine.adminPort(), dir, "/config/reload");
            assertThat(reload.statusCode()).as(reload.body()).isEqualTo(200);
        }
    }

    @Test
    void shouldRefuseAReloadWhenTheContextHasNoSource() throws Exception
    {
        try (Dispatcher engine = EngineFixture.launch(EngineFixture.settings(dir)))
        {
            final HttpResponse<String> reload = AdminHttp.post(engine.adminPort(), dir, "/config/reload");
            assertThat(reload.statusCode()).isEqualTo(409);
            assertThat(reload.body()).contains("started without a configuration to re-read");
            assertThat(AdminHttp.get(engine.adminPort(), dir, "/metrics").body()).doesNotContain("dispatch_test_extra");
        }
    }
}
