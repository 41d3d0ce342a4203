package io.dispatch.cluster;

import io.dispatch.netty.ByteBufFrames;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.FrameDescriptor;
import io.dispatch.protocol.Frames;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.MessageType;
import io.dispatch.protocol.Reason;
import io.dispatch.protocol.SubmitDescriptor;
import io.dispatch.testing.RawConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A message's cluster id survives its owner's restart: two cluster nodes over one local broker, the owner of a
 * message's partition stopped and started again on its data dir, and the later changes of what its journal's recovery
 * resumes reach a subscriber on the other node under the cluster id (the id is journaled with the message).
 * <p>
 * The sms lane's provider accepts without a receipt, and the lane waits {@value #RECEIPT_WAIT_MS} ms for one: the
 * recovered node ends that wait (EXPIRED, RECEIPT_TIMEOUT), which is a change only its recovery can make (the
 * partition's new owner skips a message the provider accepted). That stands for any receipt of a send made before a
 * restart (an SMPP delivery report after the reconnect).
 */
class ClusterRestartIT
{
    private static final int PARTITIONS = 4;
    private static final long RECEIPT_WAIT_MS = 30_000;

    @TempDir
    static Path dir;

    private static ClusterFixture cluster;
    private static TextCountingPeer peer;
    private static List<ClusterNode> nodes;

    @BeforeAll
    static void startCluster() throws Exception
    {
        cluster = ClusterFixture.start(dir, "restart", PARTITIONS);
        peer = cluster.peer;
        nodes = cluster.nodes;
        nodes.add(startNode("node-0"));
        nodes.add(startNode("node-1"));
        awaitOwnership(nodes);
    }

    private static ClusterNode startNode(final String name) throws Exception
    {
        return cluster.startNode(name, s ->
        {
            s.set("lane.sms.connector.deliveredOnAccept", "false");
            s.set("lane.sms.receiptTimeoutMs", Long.toString(RECEIPT_WAIT_MS));
        });
    }

    private static void awaitOwnership(final List<ClusterNode> members) throws Exception
    {
        ClusterFixture.awaitOwnership(members, PARTITIONS);
    }

    @AfterAll
    static void stopCluster() throws Exception
    {
        if (cluster != null)
        {
            cluster.close();
        }
    }

    /**
     * Two messages to one recipient, so one owner: one the provider accepted (awaiting its receipt) and one deferred a
     * few seconds. The owner stops and starts again on its data dir. A tenant subscriber on the other node gets the
     * first one's EXPIRED from the restarted owner under the cluster id, and the deferred one sent once, with no
     * CANCELLED under its cluster id (the restarted owner's copy is ended unsent by the fence; the partition's owner
     * sends the message again from the log).
     */
    @Test
    void anOwnersRestartKeepsTheClusterIdsOfTheMessagesItsRecoveryResumes() throws Exception
    {
        final List<RawConnection> subscribers = new ArrayList<>();
        try (RawConnection sender = RawConnection.open(nodes.get(0).dispatcher().port(), "demo", "demo-key"))
        {
            for (final ClusterNode n : nodes)
            {
                final RawConnection c = RawConnection.open(n.dispatcher().port(), "demo", "demo-key");
                subscribers.add(c);
                c.send(b -> ByteBufFrames.subscribe(b, 0, Frames.SCOPE_TENANT));
                assertThat(c.read().type).isEqualTo(MessageType.OK);
            }
            // auth, which the fixture's tenant caps nothing of: this test is about cluster ids across a restart, and a
            // release decided on one node whose copy the fence then drops still counts against an informational cap
            // on the next owner (design/cluster.md, what is not done), which capped restart-b in one CI run
            sender.submit(1, MessageKind.AUTH, ChannelType.SMS, "restart-a", "+821077770001", "restart-a");
            final long accepted = ackedId(sender);
            final long sendAt = System.currentTimeMillis() + 5_000;
            sender.send(b ->
            {
                RawConnection.submitFrame(b, 2, MessageKind.AUTH, ChannelType.SMS, "restart-b",
                    "+821077770001", null, "restart-b", null);
                b.setLongLE(FrameDescriptor.HEADER_LENGTH + SubmitDescriptor.SEND_AT_OFFSET, sendAt);
            });
            final long deferred = ackedId(sender);
            assertThat(ClusterMessageIds.partition(deferred)).isEqualTo(ClusterMessageIds.partition(accepted));

            final int owner = nodes.get(0).owns(ClusterMessageIds.partition(accepted)) ? 0 : 1;
            final RawConnection watcher = subscribers.get(1 - owner);
            final Receipts seen = new Receipts(accepted, deferred);
            seen.await(watcher, () -> seen.acceptedState == DeliveryState.PROVIDER_ACCEPTED.code(),
                "the first message accepted by the provider");

            // the owner stops (its partitions move to the other node) and starts again on its data dir
            nodes.get(owner).close();
            assertThat(seen.acceptedState).as("the receipt wait outlasts the stop: raise RECEIPT_WAIT_MS")
                .isEqualTo(DeliveryState.PROVIDER_ACCEPTED.code());
            nodes.set(owner, startNode("node-" + owner));

            seen.await(watcher, () -> seen.acceptedState == DeliveryState.EXPIRED.code() && seen.deferredSent,
                "the restarted owner's EXPIRED of the first and the deferred one sent");
            assertThat(seen.acceptedReason).isEqualTo(Reason.RECEIPT_TIMEOUT.code());
            assertThat(seen.deferredCancelled).as("a CANCELLED receipt of the deferred message's cluster id").isZero();
            assertThat(peer.count("restart-a")).isEqualTo(1);
            assertThat(peer.count("restart-b")).as("the deferred message sent once").isEqualTo(1);
        }
        finally
        {
            for (final RawConnection c : subscribers)
            {
                c.close();
            }
        }
        awaitOwnership(nodes);
    }

    /**
     * {@code GET /messages/<cluster id>/history} asked on the node that does not own the message: the owner's journal
     * answers through the status topic, under the cluster id; another tenant's view and an id no node holds are
     * refused.
     */
    @Test
    void theHistoryOfAClusterIdComesFromItsOwnerThroughAnyNode() throws Exception
    {
        final long id;
        try (RawConnection sender = RawConnection.open(nodes.get(0).dispatcher().port(), "demo", "demo-key"))
        {
            sender.submit(1, MessageKind.INFORMATIONAL, ChannelType.SMS, "history-a", "+821077770002", "history-a");
            id = ackedId(sender);
        }
        final int asked = nodes.get(0).owns(ClusterMessageIds.partition(id)) ? 1 : 0;
        final ClusterNode node = nodes.get(asked);
        final Path nodeDir = dir.resolve("node-" + asked);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        java.net.http.HttpResponse<String> h;
        do
        {
            assertThat(System.nanoTime()).as("the history shows the provider's acceptance within 60 s")
                .isLessThan(deadline);
            h = io.dispatch.testing.AdminHttp.get(node.dispatcher().adminPort(), nodeDir,
                "/messages/" + id + "/history?tenant=demo");
        }
        while (h.statusCode() != 200 || !h.body().contains("\"PROVIDER_ACCEPTED\""));
        assertThat(h.body()).startsWith("{\"message_id\":" + id + ",").contains("\"tenant\":\"demo\"")
            .contains("\"key\":\"history-a\"").contains("\"state\":\"DISPATCHED\"");
        assertThat(node.owns(ClusterMessageIds.partition(id))).as("asked on a node that does not own it").isFalse();

        final java.net.http.HttpResponse<String> text = io.dispatch.testing.AdminHttp.get(node.dispatcher().adminPort(),
            nodeDir, "/messages/" + id + "/history?format=text");
        assertThat(text.statusCode()).isEqualTo(200);
        assertThat(text.body()).startsWith("message " + id + "  tenant demo");

        final java.net.http.HttpResponse<String> other = io.dispatch.testing.AdminHttp.get(
            node.dispatcher().adminPort(), nodeDir, "/messages/" + id + "/history?tenant=acme");
        assertThat(other.statusCode()).as("%s", other.body()).isEqualTo(404);

        final long unknown = ClusterMessageIds.of(0, 999_999_999L);
        final java.net.http.HttpResponse<String> none = io.dispatch.testing.AdminHttp.get(
            node.dispatcher().adminPort(), nodeDir, "/messages/" + unknown + "/history");
        assertThat(none.statusCode()).as("%s", none.body()).isEqualTo(504);
        assertThat(none.body()).contains("no node answered");
    }

    private static long ackedId(final RawConnection c) throws Exception
    {
        RawConnection.Frame f = c.read();
        while (f.type == MessageType.RECEIPT)
        {
            f = c.read();
        }
        assertThat(f.type).as("%s", f).isEqualTo(MessageType.ACK);
        assertThat(ClusterMessageIds.isClusterId(f.messageId())).isTrue();
        return f.messageId();
    }

    /** The latest receipt of each of two cluster ids at one subscriber. */
    private static final class Receipts
    {
        final long accepted;
        final long deferred;
        int acceptedState;
        int acceptedReason;
        int deferredState;
        /** The provider accepted the deferred one (it then ends EXPIRED too, its receipt wait over). */
        boolean deferredSent;
        int deferredCancelled;

        Receipts(final long accepted, final long deferred)
        {
            this.accepted = accepted;
            this.deferred = deferred;
        }

        void await(final RawConnection c, final java.util.function.BooleanSupplier done, final String what)
            throws Exception
        {
            final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RECEIPT_WAIT_MS + 60_000);
            while (!done.getAsBoolean())
            {
                assertThat(System.nanoTime()).as("%s: first %d/%d, deferred %d", what, acceptedState, acceptedReason,
                    deferredState).isLessThan(deadline);
                final RawConnection.Frame f;
                try
                {
                    f = c.readAnyWithTimeout(1_000);
                }
                catch (final SocketTimeoutException ex)
                {
                    continue; // nothing yet: look at the deadline again
                }
                if (f.type != MessageType.RECEIPT)
                {
                    continue;
                }
                if (f.messageId() == accepted)
                {
                    acceptedState = f.state();
                    acceptedReason = f.reason();
                }
                else if (f.messageId() == deferred)
                {
                    deferredState = f.state();
                    deferredSent |= f.state() == DeliveryState.PROVIDER_ACCEPTED.code();
                    deferredCancelled += f.state() == DeliveryState.CANCELLED.code() ? 1 : 0;
                }
            }
        }
    }
}
