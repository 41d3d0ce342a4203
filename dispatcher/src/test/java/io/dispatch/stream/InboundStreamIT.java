package io.dispatch.stream;

import io.dispatch.Dispatcher;
import io.dispatch.client.ClientConfig;
import io.dispatch.client.DispatchClient;
import io.dispatch.client.InboundMessage;
import io.dispatch.connector.InboundEvent;
import io.dispatch.connector.InboundSink;
import io.dispatch.protocol.ChannelType;
import io.dispatch.testing.EngineFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The inbound stream on a real engine over loopback: what connectors hand in reaches the tenant's subscribers with
 * every field, never another tenant's, and a subscriber resumes after the last position it saw, also after a
 * restart.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InboundStreamIT
{
    private static final String TEXT = "네, 내일 오후에 받을게요 👍";

    @TempDir
    Path dir;

    private static DispatchClient connect(final int port, final String tenant, final String key)
    {
        return DispatchClient.connect(ClientConfig.builder().port(port).tenant(tenant).apiKey(key).reconnect(false)
            .build());
    }

    private static InboundEvent message(final String tenant, final String id, final long inReplyTo)
    {
        return new InboundEvent(InboundEvent.Kind.MESSAGE, tenant, ChannelType.CHAT, "psid-42", "page-7", inReplyTo,
            TEXT + " " + id, "{\"mid\":\"" + id + "\"}", id, System.currentTimeMillis());
    }

    private static InboundMessage next(final LinkedBlockingQueue<InboundMessage> q) throws InterruptedException
    {
        final InboundMessage m = q.poll(10, TimeUnit.SECONDS);
        assertThat(m).as("an INBOUND frame within 10 s").isNotNull();
        return m;
    }

    @Test
    void shouldStreamTheTenantsInboundEventsAndResumeAfterTheLastPositionAlsoAfterARestart() throws Exception
    {
        final long lastSeen;
        try (Dispatcher engine = EngineFixture.launch(EngineFixture.settings(dir)))
        {
            final InboundSink sink = engine.lane(ChannelType.CHAT).inbound();
            final LinkedBlockingQueue<InboundMessage> demo = new LinkedBlockingQueue<>();
            final LinkedBlockingQueue<InboundMessage> other = new LinkedBlockingQueue<>();
            try (DispatchClient a = connect(engine.port(), "demo", "demo-key");
                DispatchClient o = connect(engine.port(), "other", "other-key"))
            {
                a.subscribeInbound(DispatchClient.FROM_NOW, demo::add).get(10, TimeUnit.SECONDS);
                o.subscribeInbound(DispatchClient.FROM_NOW, other::add).get(10, TimeUnit.SECONDS);
                assertThatThrownBy(() -> o.subscribeInbound(0, other::add).get(10, TimeUnit.SECONDS))
                    .hasMessageContaining("already subscribed inbound");
                assertThat(sink.offer(message("demo", "m1", 4242)).get(10, TimeUnit.SECONDS)).isTrue();
                assertThat(sink.offer(message("other", "o1", 0)).get(10, TimeUnit.SECONDS)).isTrue();
                assertThat(sink.offer(message("demo", "m2", 0)).get(10, TimeUnit.SECONDS)).isTrue();

                final InboundMessage m1 = next(demo);
                assertThat(m1.kind()).isEqualTo(InboundMessage.Kind.MESSAGE);
                assertThat(m1.channel()).isEqualTo(ChannelType.CHAT);
                assertThat(m1.from()).isEqualTo("psid-42");
                assertThat(m1.to()).isEqualTo("page-7");
                assertThat(m1.inReplyTo()).isEqualTo(4242);
                assertThat(m1.text()).isEqualTo(TEXT + " m1");
                assertThat(m1.payload()).isEqualTo("{\"mid\":\"m1\"}");
                assertThat(m1.providerEventId()).isEqualTo("m1");
                final InboundMessage m2 = next(demo);
                assertThat(m2.providerEventId()).isEqualTo("m2");
                assertThat(m2.position()).isGreaterThan(m1.position());
                assertThat(next(other).providerEventId()).isEqualTo("o1");
                lastSeen = m1.position();
            }
            assertThat(demo).isEmpty();
            assertThat(other).as("never another tenant's").isEmpty();
            assertThat(sink.offer(message("demo", "m3", 0)).get(10, TimeUnit.SECONDS)).isTrue();

            final LinkedBlockingQueue<InboundMessage> resumed = new LinkedBlockingQueue<>();
            try (DispatchClient b = connect(engine.port(), "demo", "demo-key"))
            {
                b.subscribeInbound(lastSeen, resumed::add).get(10, TimeUnit.SECONDS);
                assertThat(List.of(next(resumed).providerEventId(), next(resumed).providerEventId()))
                    .containsExactly("m2", "m3");
            }
        }
        try (Dispatcher engine = EngineFixture.launch(EngineFixture.settings(dir));
            DispatchClient c = connect(engine.port(), "demo", "demo-key"))
        {
            final LinkedBlockingQueue<InboundMessage> all = new LinkedBlockingQueue<>();
            c.subscribeInbound(0, all::add).get(10, TimeUnit.SECONDS);
            assertThat(List.of(next(all).providerEventId(), next(all).providerEventId(), next(all).providerEventId()))
                .as("everything journaled, after a restart").containsExactly("m1", "m2", "m3");
            assertThat(all.poll(200, TimeUnit.MILLISECONDS)).isNull();
        }
    }

    @Test
    void shouldJournalAndStreamWithTheTwoThreadRing() throws Exception
    {
        try (Dispatcher engine = EngineFixture.launch(EngineFixture.settings(dir).set("ring.consumerThreads", "2"));
            DispatchClient c = connect(engine.port(), "demo", "demo-key"))
        {
            final InboundSink sink = engine.lane(ChannelType.CHAT).inbound();
            assertThat(sink.offer(message("demo", "t1", 0)).get(10, TimeUnit.SECONDS)).isTrue();
            final LinkedBlockingQueue<InboundMessage> all = new LinkedBlockingQueue<>();
            c.subscribeInbound(0, all::add).get(10, TimeUnit.SECONDS);
            assertThat(next(all).providerEventId()).isEqualTo("t1");
        }
    }
}
