package io.dispatch.it;

import io.dispatch.Dispatcher;
import io.dispatch.netty.ByteBufFrames;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.Frames;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.MessageType;
import io.dispatch.testing.EngineFixture;
import io.dispatch.testing.RawConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One tenant's flood of connections and receipt subscriptions stops at its caps with a clear ERROR, and the
 * other tenant is still served; the engine-wide cap holds too.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SessionLimitsIT
{
    @TempDir
    Path dir;

    private final List<RawConnection> open = new ArrayList<>();

    @Test
    void shouldRefuseATenantsExcessConnectionsAndSubscriptionsAndServeTheOtherTenant() throws Exception
    {
        final var settings = EngineFixture.settings(dir)
            .set("ingest.maxConnectionsPerTenant", "3")
            .set("ingest.maxSubscriptionsPerTenant", "2")
            .set("ingest.maxConnections", "5");
        try (Dispatcher engine = EngineFixture.launch(settings))
        {
            for (int i = 0; i < 3; i++)
            {
                open.add(RawConnection.open(engine.port(), "demo", "demo-key"));
            }
            final RawConnection.Frame refused = hello(engine.port(), "demo", "demo-key");
            assertThat(refused.type).isEqualTo(MessageType.ERROR);
            assertThat(refused.errorCode()).isEqualTo(ErrorCode.BACKPRESSURE.code());
            assertThat(refused.detail()).isEqualTo(
                "tenant demo has 3 connections (ingest.maxConnectionsPerTenant); retry later");

            assertThat(subscribe(open.get(0)).type).isEqualTo(MessageType.OK);
            assertThat(subscribe(open.get(1)).type).isEqualTo(MessageType.OK);
            final RawConnection.Frame noMore = subscribe(open.get(2));
            assertThat(noMore.type).as("a refused request, not a connection problem").isEqualTo(MessageType.NACK);
            assertThat(noMore.errorCode()).isEqualTo(ErrorCode.BACKPRESSURE.code());
            assertThat(noMore.detail()).contains("ingest.maxSubscriptionsPerTenant");
            open.get(2).send(b -> ByteBufFrames.ping(b, 5, 42));
            assertThat(open.get(2).read().type).as("the connection stays").isEqualTo(MessageType.PONG);

            // the other tenant: connects, subscribes, submits
            final RawConnection other = RawConnection.open(engine.port(), "other", "other-key");
            open.add(other);
            assertThat(subscribe(other).type).isEqualTo(MessageType.OK);
            other.submit(7, MessageKind.INFORMATIONAL, ChannelType.SMS, "k", "01012345678", "served");
            final RawConnection.Frame ack = other.read();
            assertThat(ack.type).isEqualTo(MessageType.ACK);
            assertThat(ack.ackOutcome()).isEqualTo(Frames.ACK_ACCEPTED);

            open.add(RawConnection.open(engine.port(), "other", "other-key"));
            final RawConnection.Frame engineFull = hello(engine.port(), "other", "other-key");
            assertThat(engineFull.type).isEqualTo(MessageType.ERROR);
            assertThat(engineFull.detail())
                .isEqualTo("the engine has 5 connections (ingest.maxConnections); retry later");

            // a closed connection frees its place (and its subscription) once the engine has seen the close
            open.remove(0).close();
            final long end = System.currentTimeMillis() + 10_000;
            RawConnection.Frame again = hello(engine.port(), "demo", "demo-key");
            while (again.type != MessageType.HELLO_OK && System.currentTimeMillis() < end)
            {
                Thread.sleep(10);
                again = hello(engine.port(), "demo", "demo-key");
            }
            assertThat(again.type).isEqualTo(MessageType.HELLO_OK);
            assertThat(subscribe(open.get(1)).type).as("the freed subscription").isEqualTo(MessageType.OK);
        }
        finally
        {
            for (final RawConnection c : open)
            {
                c.close();
            }
        }
    }

    /** A HELLO on a new connection; the connection is closed after its answer unless it was accepted. */
    private RawConnection.Frame hello(final int port, final String tenant, final String key) throws Exception
    {
        final RawConnection c = new RawConnection(port);
        c.send(b -> ByteBufFrames.hello(b, 1, tenant, key, "flood"));
        final RawConnection.Frame f = c.read();
        if (f.type != MessageType.HELLO_OK)
        {
            assertThat(c.awaitClosed(10_000)).as("refused connection closed").isTrue();
            c.close();
        }
        else
        {
            open.add(c);
        }
        return f;
    }

    private static RawConnection.Frame subscribe(final RawConnection c) throws Exception
    {
        c.send(b -> ByteBufFrames.subscribe(b, 3, Frames.SCOPE_TENANT));
        return c.read();
    }
}
