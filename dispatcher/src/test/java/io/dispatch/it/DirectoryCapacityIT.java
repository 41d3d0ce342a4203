package io.dispatch.it;

import io.dispatch.Dispatcher;
import io.dispatch.client.ClientConfig;
import io.dispatch.client.DirectoryBatch;
import io.dispatch.client.DirectoryResult;
import io.dispatch.client.DispatchClient;
import io.dispatch.config.Settings;
import io.dispatch.protocol.DirectoryOpWriter;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.testing.EngineFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code directory.maxRecipients}: once the directory holds that many recipients, ops that would add one are
 * refused with DIRECTORY_FULL naming the setting, while ops on existing recipients still apply; a delete makes
 * room again, and a restart (which replays everything applied) keeps the limit.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DirectoryCapacityIT
{
    @TempDir
    Path dir;

    private Dispatcher launch() throws Exception
    {
        final Settings s = EngineFixture.settings(dir);
        s.set("directory.maxRecipients", "5");
        return EngineFixture.launch(s);
    }

    private static DirectoryResult update(final DispatchClient c, final DirectoryOpWriter... ops) throws Exception
    {
        final DirectoryBatch batch = new DirectoryBatch();
        for (final DirectoryOpWriter op : ops)
        {
            batch.add(op.toBytes());
        }
        return c.updateDirectory(batch).get(10, TimeUnit.SECONDS);
    }

    private static DirectoryOpWriter member(final int i)
    {
        return new DirectoryOpWriter().upsert("m" + i).string("region", "Seoul");
    }

    @Test
    void shouldRefuseNewRecipientsBeyondTheLimitButKeepServingExistingOnes() throws Exception
    {
        try (Dispatcher engine = launch();
             DispatchClient c = DispatchClient.connect(ClientConfig.builder().port(engine.port()).build()))
        {
            final DirectoryResult first = update(c, member(1), member(2), member(3), member(4), member(5), member(6),
                new DirectoryOpWriter().patch("m1").string("region", "Busan"), member(7));

            assertThat(first.applied()).isEqualTo(6);
            assertThat(first.rejections()).extracting(DirectoryResult.Rejection::index).containsExactly(5, 7);
            assertThat(first.rejections()).allSatisfy(r ->
            {
                assertThat(r.code()).isEqualTo(ErrorCode.DIRECTORY_FULL);
                assertThat(r.problem()).contains("directory full: 5 recipients", "directory.maxRecipients");
            });

            final DirectoryResult makeRoom = update(c, new DirectoryOpWriter().delete("m2"), member(6), member(8));
            assertThat(makeRoom.applied()).isEqualTo(2);
            assertThat(makeRoom.rejections()).extracting(DirectoryResult.Rejection::index).containsExactly(2);
        }
        try (Dispatcher engine = launch();
             DispatchClient c = DispatchClient.connect(ClientConfig.builder().port(engine.port()).build()))
        {
            assertThat(update(c, member(9)).rejections()).extracting(DirectoryResult.Rejection::code)
                .containsExactly(ErrorCode.DIRECTORY_FULL);
            assertThat(update(c, member(6).string("region", "Jeju")).applied()).isEqualTo(1);
        }
    }
}
