package io.dispatch.it;

import io.dispatch.client.ClientConfig;
import io.dispatch.client.DispatchClient;
import io.dispatch.client.Submit;
import io.dispatch.client.SubmitResult;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import io.dispatch.testing.ChildEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bug this guards: 50,000 messages deferred to one send-at, the engine killed with SIGKILL, and the restart
 * ran out of memory handing them back to the scheduler (its timer wheel grew all 4096 spokes to the fullest one:
 * 2 GB, against the child's 512 MB heap). Now the restart holds them all, deferred, in a heap sized to them.
 */
@Timeout(240)
class DeferredBacklogRestartIT
{
    private static final int MESSAGES = 50_000;
    private static final int BATCH = 1_000;

    @TempDir
    Path dir;

    @Test
    void shouldRestartAfterKillNineHoldingFiftyThousandMessagesDeferredToOneSendAt() throws Exception
    {
        final long sendAt = System.currentTimeMillis() + TimeUnit.HOURS.toMillis(1);
        final long firstId;
        final long lastId;
        try (ChildEngine child = ChildEngine.start(dir);
            DispatchClient client = connect(child))
        {
            final List<CompletableFuture<SubmitResult>> batch = new ArrayList<>(BATCH);
            long first = -1;
            long last = -1;
            for (int i = 0; i < MESSAGES; i++)
            {
                batch.add(client.submit(Submit.builder().kind(MessageKind.INFORMATIONAL).channel(ChannelType.SMS)
                    .to("010" + (20_000_000 + i)).text("at eight").sendAt(sendAt).build()));
                if (batch.size() == BATCH || i == MESSAGES - 1)
                {
                    for (final CompletableFuture<SubmitResult> f : batch)
                    {
                        final long id = f.get(60, TimeUnit.SECONDS).messageId(); // acked: journaled
                        first = first < 0 ? id : first;
                        last = id;
                    }
                    batch.clear();
                }
            }
            firstId = first;
            lastId = last;
            child.kill();
            assertThat(child.awaitExit(10_000)).isTrue();
        }

        try (ChildEngine child = ChildEngine.start(dir))
        {
            try (DispatchClient client = connect(child))
            {
                for (final long id : new long[] {firstId, lastId})
                {
                    assertThat(client.status(id).get(30, TimeUnit.SECONDS).state()).as("message " + id)
                        .isEqualTo(DeliveryState.DEFERRED);
                }
            }
            child.terminate();
            assertThat(child.awaitExit(60_000)).isTrue();
            assertThat(child.output()).as("the scheduler holds every one at the drained stop")
                .anyMatch((line) -> line.contains("event=stopped") && line.contains(" deferred=" + MESSAGES + " "));
        }
    }

    private static DispatchClient connect(final ChildEngine child) throws Exception
    {
        return DispatchClient.connect(ClientConfig.builder().host("127.0.0.1").port(child.port()).tenant("demo")
            .apiKey("demo-key").build());
    }
}
