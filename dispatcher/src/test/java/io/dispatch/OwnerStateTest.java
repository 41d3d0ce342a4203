package io.dispatch;

import io.dispatch.config.Settings;
import io.dispatch.netty.ByteBufFrames;
import io.dispatch.policy.RecipientKeys;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.Frames;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.MessageType;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.testing.EngineFixture;
import io.dispatch.testing.RawConnection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hooks cluster mode's changelog uses on the journal thread (docs/design/cluster.md), called from a real engine's
 * journaled observer: {@link OwnerState#recipientOf} reads a journaled message's address back, and
 * {@link OwnerState#restoreContent} makes a later SUBMIT with that recipient, channel and content a duplicate of the
 * restored message id.
 */
class OwnerStateTest
{
    private static final long RESTORED_ID = 1L << 62 | 7;

    @TempDir
    Path dir;

    @Test
    void shouldReadARecipientBackAndMakeARestoredContentKeyADuplicate() throws Exception
    {
        final Settings s = EngineFixture.settings(dir);
        s.set("dedup.contentWindowSeconds", "600");
        final AtomicReference<Dispatcher> engine = new AtomicReference<>();
        final CompletableFuture<String> recipient = new CompletableFuture<>();
        final byte[] restored = contentOf("01099990000", "restored");
        final ClusterHooks hooks = new ClusterHooks(null, null, null, null, (e, sequence, endOfBatch) ->
        {
            if (e.type == DispatchEvent.SUBMIT && e.outcome == DispatchEvent.OUTCOME_ACCEPTED && !recipient.isDone())
            {
                // the journal thread, right after the journal stage: as StateObserver calls them
                final OwnerState owner = engine.get().ownerState();
                final byte[] into = new byte[257];
                recipient.complete(owner.recipientOf(e.messageId, into, 1) ?
                    new String(into, 2, into[1] & 0xFF, StandardCharsets.US_ASCII) : "none");
                owner.restoreContent(e.tenantId, ChannelType.SMS.code(), restored, 0, restored.length, RESTORED_ID,
                    System.currentTimeMillis());
            }
        }, null, null, null);
        try (Dispatcher d = Dispatcher.launch(io.dispatch.config.DispatcherConfig.from(s),
            org.agrona.concurrent.SystemEpochClock.INSTANCE, hooks))
        {
            engine.set(d);
            try (RawConnection c = RawConnection.open(d.port(), "demo", "demo-key"))
            {
                c.submit(1, MessageKind.INFORMATIONAL, ChannelType.SMS, "k1", "01011112222", "first");
                assertThat(c.read().type).isEqualTo(MessageType.ACK);
                assertThat(recipient.get(30, TimeUnit.SECONDS)).isEqualTo("01011112222");

                c.submit(2, MessageKind.INFORMATIONAL, ChannelType.SMS, "", "01099990000", "restored");
                final RawConnection.Frame duplicate = c.read();
                assertThat(duplicate.type).isEqualTo(MessageType.ACK);
                assertThat(duplicate.ackOutcome()).isEqualTo(Frames.ACK_DUPLICATE);
                assertThat(duplicate.messageId()).isEqualTo(RESTORED_ID);

                c.submit(3, MessageKind.INFORMATIONAL, ChannelType.SMS, "", "01099990000", "other text");
                assertThat(c.read().ackOutcome()).isEqualTo(Frames.ACK_ACCEPTED);
            }
        }
    }

    /** The bytes the content key hashes: a SUBMIT body from its recipient's length byte to its end. */
    private static byte[] contentOf(final String to, final String text)
    {
        final ByteBuf b = Unpooled.buffer();
        final int n = ByteBufFrames.submitBody(b, MessageKind.INFORMATIONAL, ChannelType.SMS, 0, "", to, null, text,
            null);
        final byte[] body = new byte[n];
        b.getBytes(0, body);
        final int at = RecipientKeys.recipientAt(body);
        final byte[] content = new byte[n - at];
        System.arraycopy(body, at, content, 0, content.length);
        return content;
    }
}
