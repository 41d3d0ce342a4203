package io.dispatch.cluster;

import io.dispatch.admin.MessageHistoryRoute;
import io.dispatch.journal.MessageHistory;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.Decision;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import io.dispatch.protocol.SubmitDescriptor;
import io.dispatch.route.AdminReply;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class HistoryCopiesTest
{
    private static final long CLUSTER_ID = ClusterMessageIds.of(3, 42);

    @Test
    void aCopySurvivesTheWireAndTwoCopiesMergeInTimeOrderEachChangeMarkedWithItsNode()
    {
        // the earlier owner deferred it, lost the partition and ended its copy unsent when it was due; the new owner
        // deferred it again and sent it at the same instant, and a late receipt followed
        final MessageHistory before = history(1_000, Decision.DEFER, MessageHistory.End.TERMINAL);
        before.changes.add(new MessageHistory.Change(9_000, DeliveryState.CANCELLED, 0, ChannelType.SMS.code(),
            (short)Reason.OWNERSHIP_LOST.code(), null));
        final MessageHistory after = history(5_000, Decision.DEFER, MessageHistory.End.TERMINAL);
        after.changes.add(new MessageHistory.Change(9_000, DeliveryState.DISPATCHED, 1, ChannelType.SMS.code(),
            (short)0, null));
        after.changes.add(new MessageHistory.Change(9_100, DeliveryState.DELIVERED, 1, ChannelType.SMS.code(),
            (short)0, "01012345678"));
        after.lateReceipts.add(new MessageHistory.LateReceipt(9_500, DeliveryState.DELIVERED, ChannelType.SMS.code(),
            (short)0));

        final List<MessageHistoryRoute.Copy> copies = new ArrayList<>();
        copies.add(roundTrip("node-0", 17, before));
        copies.add(roundTrip("node-2", 5, after));
        assertThat(copies.get(1).localId()).isEqualTo(5);
        assertThat(copies.get(1).history().changes).isEqualTo(after.changes);
        assertThat(copies.get(1).history().lateReceipts).isEqualTo(after.lateReceipts);
        assertThat(copies.get(1).history().accepted.tenant()).isEqualTo("demo");
        assertThat(copies.get(1).history().accepted.sourceId).isEqualTo(CLUSTER_ID);

        final AdminReply json = MessageHistoryRoute.copies(CLUSTER_ID, copies, false);
        assertThat(json.status()).isEqualTo(200);
        assertThat(json.body()).startsWith("{\"message_id\":" + CLUSTER_ID + ",\"tenant\":\"demo\"")
            .contains("\"key\":\"order-1\"")
            .contains("\"copies\":[{\"node\":\"node-0\",\"local_id\":17,")
            .contains("{\"node\":\"node-2\",\"local_id\":5,")
            .contains("\"reason\":\"OWNERSHIP_LOST\",\"node\":\"node-0\"}")
            .contains("\"address\":\"01012345678\",\"node\":\"node-2\"}")
            .contains("\"late_receipts\":[{\"at\":");
        final List<String> order = new ArrayList<>();
        final Matcher m = Pattern.compile("\"at_ms\":(\\d+),\"state\":\"(\\w+)\"[^}]*\"node\":\"([\\w-]+)\"")
            .matcher(json.body());
        while (m.find())
        {
            order.add(m.group(1) + " " + m.group(2) + " " + m.group(3));
        }
        assertThat(order).as("every change of both copies, in time order, one copy's in journal order")
            .containsExactly("9000 CANCELLED node-0", "9000 DISPATCHED node-2", "9100 DELIVERED node-2");

        final String text = MessageHistoryRoute.copies(CLUSTER_ID, copies, true).body();
        assertThat(text).startsWith("message " + CLUSTER_ID + "  tenant demo")
            .contains("2 copies (its partition moved between owners):  node-0 (local id 17, terminal)  node-2" +
                " (local id 5, terminal)");
        final String[] lines = text.split("\n");
        assertThat(lines[3]).contains("node-0").contains("ACCEPTED").contains("DEFER");
        assertThat(lines[4]).contains("node-2").contains("ACCEPTED");
        assertThat(lines[5]).contains("node-0").contains("CANCELLED").contains("OWNERSHIP_LOST");
        assertThat(lines[6]).contains("node-2").contains("DISPATCHED");
        assertThat(lines[7]).contains("node-2").contains("DELIVERED").contains("to 01012345678");
    }

    private static MessageHistoryRoute.Copy roundTrip(final String node, final long localId, final MessageHistory h)
    {
        return HistoryCopies.decode(ByteBuffer.wrap(HistoryCopies.encode(node, localId, h))
            .order(ByteOrder.LITTLE_ENDIAN));
    }

    private static MessageHistory history(final long acceptedAtMs, final Decision decision,
        final MessageHistory.End end)
    {
        final MessageHistory h = new MessageHistory();
        h.accepted.kind = MessageKind.INFORMATIONAL.code();
        h.accepted.channel = ChannelType.SMS.code();
        h.accepted.acceptedAtMs = acceptedAtMs;
        final byte[] tenant = "demo".getBytes(StandardCharsets.UTF_8);
        System.arraycopy(tenant, 0, h.accepted.tenantName, 0, tenant.length);
        h.accepted.tenantNameLength = tenant.length;
        final byte[] key = "order-1".getBytes(StandardCharsets.UTF_8);
        h.accepted.body[SubmitDescriptor.FIXED_LENGTH] = (byte)key.length;
        System.arraycopy(key, 0, h.accepted.body, SubmitDescriptor.FIXED_LENGTH + 1, key.length);
        h.accepted.decision = decision.code();
        h.accepted.reason = (short)(decision == Decision.DEFER ? Reason.SCHEDULED.code() : 0);
        h.accepted.dueAtMs = decision == Decision.DEFER ? 9_000 : 0;
        h.accepted.sourceId = CLUSTER_ID;
        h.end = end;
        h.documentsRead = 3;
        return h;
    }
}
