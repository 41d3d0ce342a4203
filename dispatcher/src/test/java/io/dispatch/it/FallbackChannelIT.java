package io.dispatch.it;

import io.dispatch.Dispatcher;
import io.dispatch.client.ClientConfig;
import io.dispatch.client.DispatchClient;
import io.dispatch.client.ReceiptListener;
import io.dispatch.client.StatusResult;
import io.dispatch.client.Submit;
import io.dispatch.config.Settings;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.Frames;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import io.dispatch.testing.EngineFixture;
import io.dispatch.testing.Statuses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * STATUS and RECEIPT name the channel a message is actually on: after a chat → SMS fallback (the
 * simulated chat provider does not know {@code nochat…} recipients) they say SMS from the move on, also
 * after a restart that rebuilds the status table from the journal; a message that stayed says CHAT.
 */
@Timeout(60)
class FallbackChannelIT
{
    @TempDir
    Path dir;

    @Test
    void shouldReportTheChannelActuallyUsedAfterAChatToSmsFallback() throws Exception
    {
        final Settings settings = EngineFixture.settings(dir.resolve("engine")).set("lane.chat.fallback", "sms");
        final Map<Long, List<String>> receipts = new ConcurrentHashMap<>();
        final long moved;
        final long stayed;
        try (Dispatcher engine = EngineFixture.launch(settings);
            DispatchClient client = DispatchClient.connect(ClientConfig.builder().port(engine.port()).build()))
        {
            client.subscribeReceipts(Frames.SCOPE_CONNECTION, new ReceiptListener()
            {
                @Override
                public void onReceipt(final long id, final DeliveryState state, final int attempts, final Reason reason, final long at)
                {
                    throw new AssertionError("the client calls the six-argument method");
                }

                @Override
                public void onReceipt(
                    final long id, final DeliveryState state, final int attempts, final Reason reason, final long at,
                    final ChannelType channel)
                {
                    receipts.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(state + "@" + channel);
                }
            }).get(10, TimeUnit.SECONDS);
            moved = submit(client, "nochat-01012345678", "fallback-1");
            stayed = submit(client, "01087654321", "stays-1");

            final StatusResult movedStatus = Statuses.awaitTerminal(client, moved);
            assertThat(movedStatus.state()).isEqualTo(DeliveryState.DELIVERED);
            assertThat(movedStatus.channel()).as("delivered by SMS after the fallback").isEqualTo(ChannelType.SMS);
            final StatusResult stayedStatus = Statuses.awaitTerminal(client, stayed);
            assertThat(stayedStatus.state()).isEqualTo(DeliveryState.DELIVERED);
            assertThat(stayedStatus.channel()).isEqualTo(ChannelType.CHAT);

            awaitReceipt(receipts, moved, "DELIVERED@SMS");
            assertThat(receipts.get(moved)).as("receipts of the moved message, in order")
                .startsWith("DISPATCHED@CHAT")
                .contains("RETRYING@SMS")
                .endsWith("DELIVERED@SMS")
                .doesNotContain("PROVIDER_ACCEPTED@CHAT", "DELIVERED@CHAT");
            awaitReceipt(receipts, stayed, "DELIVERED@CHAT");
            assertThat(receipts.get(stayed)).allMatch(r -> r.endsWith("@CHAT"));
        }

        try (Dispatcher restarted = EngineFixture.launch(settings);
            DispatchClient client = DispatchClient.connect(ClientConfig.builder().port(restarted.port()).build()))
        {
            final StatusResult afterRestart = client.status(moved).get(10, TimeUnit.SECONDS);
            assertThat(afterRestart.channel()).as("rebuilt from the journal").isEqualTo(ChannelType.SMS);
            assertThat(afterRestart.state()).isEqualTo(DeliveryState.DELIVERED);
            assertThat(client.status(stayed).get(10, TimeUnit.SECONDS).channel()).isEqualTo(ChannelType.CHAT);
        }
    }

    private static long submit(final DispatchClient client, final String to, final String key) throws Exception
    {
        final Submit submit = Submit.builder().kind(MessageKind.INFORMATIONAL).channel(ChannelType.CHAT).to(to)
            .text("주문하신 상품이 발송되었습니다").key(key).build();
        return client.submit(submit).get(10, TimeUnit.SECONDS).messageId();
    }

    private static void awaitReceipt(final Map<Long, List<String>> receipts, final long id, final String wanted)
        throws InterruptedException
    {
        final long deadline = System.currentTimeMillis() + 10_000;
        while (!receipts.getOrDefault(id, List.of()).contains(wanted) && System.currentTimeMillis() < deadline)
        {
            Thread.sleep(5);
        }
        assertThat(receipts.get(id)).contains(wanted);
    }
}
