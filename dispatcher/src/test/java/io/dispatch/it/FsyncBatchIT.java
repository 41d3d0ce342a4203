package io.dispatch.it;

import io.dispatch.Dispatcher;
import io.dispatch.config.Settings;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.Frames;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.MessageType;
import io.dispatch.testing.EngineFixture;
import io.dispatch.testing.RawConnection;
import io.dispatch.testing.RawConnection.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** With {@code journal.fsync=batch} every submit is acked, delivered, and remembered across a restart. */
@Timeout(60)
class FsyncBatchIT
{
    @TempDir
    Path dir;

    @Test
    void shouldAckDeliverAndRecoverWithFsyncPerBatch() throws Exception
    {
        final Settings settings = EngineFixture.settings(dir).set("journal.fsync", "batch");
        final List<Long> acked = new ArrayList<>();
        try (Dispatcher engine = EngineFixture.launch(settings);
            RawConnection c = RawConnection.open(engine.port(), "demo", "demo-key"))
        {
            for (int i = 0; i < 500; i++)
            {
                c.submit(i, MessageKind.INFORMATIONAL, ChannelType.CHAT, "batch-" + i, "user-" + i, "hello " + i);
            }
            for (int i = 0; i < 500; i++)
            {
                final Frame f = c.read();
                assertThat(f.type).as("answer %d: %s", i, f).isEqualTo(MessageType.ACK);
                acked.add(f.messageId());
            }
            assertThat(StatusPoller.awaitTerminal(c, acked, 30_000)).allMatch(s -> s == DeliveryState.DELIVERED.code());
        }
        try (Dispatcher engine = EngineFixture.launch(settings);
            RawConnection c = RawConnection.open(engine.port(), "demo", "demo-key"))
        {
            c.submit(1, MessageKind.INFORMATIONAL, ChannelType.CHAT, "batch-7", "user-7", "hello 7");
            final Frame duplicate = c.read();
            assertThat(duplicate.ackOutcome()).isEqualTo(Frames.ACK_DUPLICATE);
            assertThat(duplicate.messageId()).isEqualTo(acked.get(7));
        }
    }
}
