package io.dispatch.it;

import io.dispatch.Dispatcher;
import io.dispatch.client.ClientConfig;
import io.dispatch.client.DirectoryBatch;
import io.dispatch.client.DispatchClient;
import io.dispatch.client.StatusResult;
import io.dispatch.client.Submit;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.DirectoryOpWriter;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import io.dispatch.testing.EngineFixture;
import io.dispatch.testing.JumpClock;
import io.dispatch.testing.Statuses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A chat → SMS fallback never texts a directory recipient's chat key, also after a restart, when the directory has no
 * phone for them to re-address it to ({@code FallbackReaddressIT} has the phone): real engine on loopback,
 * real client, real journals; the simulated chat provider does not know {@code nochat…} recipients (and the simulated
 * SMS provider would "deliver" to any address, which is what this guards against).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FallbackAddressIT
{
    private static final String CHAT_KEY = "nochat-key-u1";

    @TempDir
    Path dir;

    private final JumpClock clock = JumpClock.atSeoul("2026-11-25T14:00:00");

    private Dispatcher launch() throws Exception
    {
        return EngineFixture.launch(EngineFixture.settings(dir).set("lane.chat.fallback", "sms"), clock);
    }

    private static DispatchClient connect(final int port)
    {
        return DispatchClient.connect(ClientConfig.builder().port(port).tenant("demo").apiKey("demo-key").build());
    }

    private static StatusResult notice(final DispatchClient c, final String to) throws Exception
    {
        final Submit s = Submit.builder().kind(MessageKind.INFORMATIONAL).channel(ChannelType.CHAT).to(to)
            .text("order 42 shipped").build();
        return Statuses.awaitTerminal(c, c.submit(s).get(10, TimeUnit.SECONDS).messageId());
    }

    private static void assertNotTexted(final StatusResult r)
    {
        assertThat(r.state()).as("%s", r).isEqualTo(DeliveryState.SUPPRESSED);
        assertThat(r.reason()).as("%s", r).isEqualTo(Reason.UNKNOWN_RECIPIENT);
        assertThat(r.channel()).as("%s", r).isEqualTo(ChannelType.SMS);
    }

    @Test
    void shouldSuppressTheSmsFallbackOfAChatKeyWithoutAPhoneInsteadOfTextingItAlsoAfterARestart() throws Exception
    {
        try (Dispatcher engine = launch(); DispatchClient c = connect(engine.port()))
        {
            final DirectoryBatch batch = new DirectoryBatch();
            batch.add(new DirectoryOpWriter().upsert("u1").string("chat_key", CHAT_KEY)
                .toBytes());
            final var result = c.updateDirectory(batch).get(10, TimeUnit.SECONDS);
            assertThat(result.applied()).as("%s", result.rejections()).isEqualTo(1);

            assertNotTexted(notice(c, CHAT_KEY));
            final StatusResult stranger = notice(c, "nochat-key-unknown");
            assertThat(stranger.state()).as("an address the directory does not know is taken as it is")
                .isEqualTo(DeliveryState.DELIVERED);
            assertThat(stranger.channel()).isEqualTo(ChannelType.SMS);
        }
        try (Dispatcher engine = launch(); DispatchClient c = connect(engine.port()))
        {
            assertNotTexted(notice(c, CHAT_KEY));
        }
    }
}
