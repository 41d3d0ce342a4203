package io.dispatch.it;

import io.dispatch.Dispatcher;
import io.dispatch.client.ClientConfig;
import io.dispatch.client.DispatchClient;
import io.dispatch.client.Submit;
import io.dispatch.config.ConfigurationException;
import io.dispatch.config.Settings;
import io.dispatch.connector.smpp.SmppEngineSettings;
import io.dispatch.connector.smpp.SmscSimulator;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.Frames;
import io.dispatch.protocol.Reason;
import io.dispatch.testing.EngineFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The real engine with {@code lane.sms.connector=smpp} against the loopback SMSC simulator, fed by the real client:
 * receipts flow back from deliver_sm to the client, refusals carry the mapped reason, throttling is retried.
 */
@Timeout(90)
class SmppEngineIT
{
    @TempDir
    Path dir;

    /** One RECEIPT frame as the client saw it. */
    record Seen(DeliveryState state, Reason reason)
    {
    }

    @Test
    void shouldDeliverThroughTheSmscAndReportReceiptsAndMappedRefusals() throws Exception
    {
        try (SmscSimulator smsc = new SmscSimulator("esme", "secret"))
        {
            smsc.refuse("01000000009", 0x0B); // ESME_RINVDSTADR
            try (Dispatcher engine = EngineFixture.launch(smppSettings(smsc.port()));
                DispatchClient client = DispatchClient.connect(ClientConfig.builder().port(engine.port()).build()))
            {
                final Map<Long, List<Seen>> seen = new ConcurrentHashMap<>();
                client.subscribeReceipts(Frames.SCOPE_CONNECTION, (id, state, attempts, reason, at) ->
                    seen.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(new Seen(state, reason))).join();

                final long plain = submit(client, "01012345678", "Your order 42 has shipped.");
                final long korean = submit(client, "01012345679",
                    "주문하신 상품이 발송되었습니다. ".repeat(8)); // UCS2, several concatenated parts
                final long refused = submit(client, "01000000009", "never sent");
                smsc.throttleNext(2);
                final long throttled = submit(client, "01012345670", "sent after the SMSC stops throttling");

                for (final long id : List.of(plain, korean, throttled))
                {
                    final List<Seen> states = awaitTerminal(seen, id);
                    assertThat(states).as("message %d", id)
                        .contains(new Seen(DeliveryState.PROVIDER_ACCEPTED, Reason.NONE))
                        .endsWith(new Seen(DeliveryState.DELIVERED, Reason.NONE));
                    assertThat(states.indexOf(new Seen(DeliveryState.PROVIDER_ACCEPTED, Reason.NONE)))
                        .isLessThan(states.indexOf(new Seen(DeliveryState.DELIVERED, Reason.NONE)));
                }
                assertThat(awaitTerminal(seen, refused))
                    .endsWith(new Seen(DeliveryState.REJECTED, Reason.INVALID_RECIPIENT))
                    .doesNotContain(new Seen(DeliveryState.PROVIDER_ACCEPTED, Reason.NONE));
                assertThat(smsc.throttled()).isEqualTo(2);
                assertThat(smsc.submitted().stream().filter(s -> s.destination().equals("01012345679")).count())
                    .isGreaterThan(1);
                assertThat(client.status(refused).join().state()).isEqualTo(DeliveryState.REJECTED);
            }
        }
    }

    @Test
    void shouldRefuseToStartNamingTheBadSettingOrTheRefusedBind() throws Exception
    {
        try (SmscSimulator smsc = new SmscSimulator("esme", "secret"))
        {
            assertThatThrownBy(() -> EngineFixture.launch(smppSettings(smsc.port()).set("lane.sms.connector.windowPerBind",
                "lots")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'lane.sms.connector'")
                .hasMessageContaining("windowPerBind: 'lots' is not a whole number");
            assertThatThrownBy(() -> EngineFixture.launch(smppSettings(smsc.port()).set("lane.sms.connector.systemId",
                "stranger")))
                .hasMessageContaining("refused the bind of systemId 'stranger'");
        }
    }

    private static long submit(final DispatchClient client, final String to, final String text)
    {
        return client.submit(Submit.builder().channel(ChannelType.SMS).to(to).text(text).build()).join().messageId();
    }

    private static List<Seen> awaitTerminal(final Map<Long, List<Seen>> seen, final long id) throws InterruptedException
    {
        final long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline)
        {
            final List<Seen> states = seen.getOrDefault(id, List.of());
            if (!states.isEmpty() && states.get(states.size() - 1).state().isTerminal())
            {
                return states;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("message " + id + " not terminal within 30 s: " + seen.get(id));
    }

    /** The test engine's settings with the SMS lane switched from the simulated provider to the SMSC simulator. */
    private Settings smppSettings(final int port) throws Exception
    {
        final Path password = dir.resolve("smsc.password");
        Files.writeString(password, "secret");
        return SmppEngineSettings.of(dir, port, "esme", password)
            .set("lane.sms.connector.sourceAddr", "1588")
            .set("lane.sms.connector.binds", "2")
            .set("lane.sms.connector.reconnectInitialMs", "50")
            .set("lane.sms.connector.reconnectMaxMs", "500");
    }
}
