package io.dispatch.admin;

import io.dispatch.journal.AcceptedRecord;
import io.dispatch.journal.Journal;
import io.dispatch.journal.JournalReader;
import io.dispatch.journal.MessageHistory;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.Decision;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import io.dispatch.protocol.SubmitDescriptor;
import io.dispatch.route.AdminReply;
import io.dispatch.route.AdminRoute;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * {@code GET /messages/<id>/history[?tenant=NAME][&limit=DOCUMENTS][&format=text]}: every journaled state change of
 * a message, read from the journal with a tailer of its own (never the journal stage's appender). The read starts
 * at the message's ACCEPTED record (its id is its journal index) and goes forward until its terminal state, the
 * end of the journal, or {@code limit} documents, and the answer says which ({@code end}: terminal, open, cut).
 * With {@code tenant}, a message of another tenant is answered as unknown: a tenant-facing caller sees only its own.
 * <p>
 * {@code POST /messages/<id>/delivered[?tenant=NAME]}: the recipient's app confirmed the push (APNs and FCM send no
 * delivery receipts); the lane of the message's channel takes it as its DELIVERED receipt, which settles a receipt
 * deadline ({@code lane.push.fallbackUndeliveredMs}) before it moves the message to its fallback channel.
 */
public final class MessageHistoryRoute implements AdminRoute
{
    /** About a second of reading on a busy machine; the operator can pass a larger limit. */
    static final long DEFAULT_LIMIT = 1_000_000;
    static final long MAX_LIMIT = 100_000_000;
    private static final String USAGE = "GET /messages/<id>/history[?tenant=NAME][&limit=DOCUMENTS][&format=text]";

    private static final String CONFIRM_USAGE = "POST /messages/<id>/delivered[?tenant=NAME]";

    /** Hands a confirmed delivery to the lane of a channel; any thread. */
    @FunctionalInterface
    public interface Confirmations
    {
        /** @return false when that channel's lane takes no confirmations (it has no receipt deadline). */
        boolean delivered(byte channel, long messageId);
    }

    /** Cluster mode: the history of an id this node's journal does not hold under that id (a cluster id). */
    @FunctionalInterface
    public interface Remote
    {
        /** @return the answer, or null when {@code messageId} is not one of the remote's: the journal answers. */
        AdminReply history(long messageId, String tenant, long limit, boolean text);
    }

    private final Journal journal;
    private final Confirmations confirmations;
    private volatile Remote remote;

    public MessageHistoryRoute(final Journal journal)
    {
        this(journal, (channel, messageId) -> false);
    }

    public MessageHistoryRoute(final Journal journal, final Confirmations confirmations)
    {
        this.journal = journal;
        this.confirmations = confirmations;
    }

    /** Cluster mode, once the node has started (until then the journal answers every id). */
    public void remote(final Remote remote)
    {
        this.remote = remote;
    }

    /** A remote history waits for another node's answer: off the admin thread. */
    @Override
    public boolean slow(final String path)
    {
        return remote != null && path.endsWith("/history");
    }

    @Override
    public AdminReply handle(final String method, final QueryStringDecoder uri)
    {
        final String[] parts = uri.path().split("/");
        if (parts.length == 4 && parts[3].equals("delivered"))
        {
            return method.equals("POST") ? confirm(parts[2], first(uri, "tenant")) :
                new AdminReply(405, CONFIRM_USAGE + "\n");
        }
        if (!method.equals("GET") || parts.length != 4 || !parts[3].equals("history"))
        {
            return new AdminReply(method.equals("GET") ? 404 : 405, USAGE + "\n");
        }
        final long messageId;
        final long limit;
        try
        {
            messageId = parse("message id", parts[2], 0, Long.MAX_VALUE);
            final String l = first(uri, "limit");
            limit = l == null ? DEFAULT_LIMIT : parse("limit", l, 1, MAX_LIMIT);
        }
        catch (final IllegalArgumentException ex)
        {
            return AdminReply.badRequest(ex.getMessage() + "; " + USAGE);
        }
        final String tenant = first(uri, "tenant");
        final boolean text = "text".equals(first(uri, "format"));
        final Remote r = remote;
        final AdminReply elsewhere = r == null ? null : r.history(messageId, tenant, limit, text);
        return elsewhere != null ? elsewhere : local(messageId, messageId, tenant, limit, text);
    }

    /**
     * The history of {@code messageId} in this node's journal, shown as {@code shownId} (cluster mode: the cluster
     * id another node was asked for). Any thread: a tailer of its own.
     */
    public AdminReply local(final long messageId, final long shownId, final String tenant, final long limit,
        final boolean text)
    {
        final MessageHistory history = read(messageId, shownId, tenant, limit);
        if (history == null)
        {
            return notFound(shownId, tenant);
        }
        return AdminReply.ok(text ? text(shownId, history) : json(shownId, history));
    }

    /**
     * The history of {@code messageId} in this node's journal, or null when it holds none that {@link #local} would
     * show as {@code shownId} to {@code tenant}. Any thread: a tailer of its own.
     */
    public MessageHistory read(final long messageId, final long shownId, final String tenant, final long limit)
    {
        final MessageHistory history;
        try (JournalReader reader = journal.newReader())
        {
            history = reader.readHistory(messageId, limit);
        }
        // shown under another id: the record must carry it (a copy fed under that cluster id), or it is another message
        if (history.end == MessageHistory.End.NOT_FOUND || (tenant != null && !tenant.equals(history.accepted.tenant()))
            || (shownId != messageId && history.accepted.sourceId != shownId))
        {
            return null;
        }
        return history;
    }

    public static AdminReply notFound(final long shownId, final String tenant)
    {
        return new AdminReply(404, "no message " + shownId + (tenant == null ? "" : " of tenant " + tenant)
            + " in the journal\n");
    }

    /**
     * Cluster mode: one copy of a message, the part of its history one node journaled under its local id (a message
     * handled by two owners, before and after its partition moved, has two).
     */
    public record Copy(String node, long localId, MessageHistory history)
    {
    }

    /** One row of a merged history: a state change, or a copy's acceptance ({@code change} null). */
    private record Row(long atMs, Copy copy, MessageHistory.Change change)
    {
    }

    /**
     * The copies' histories as one, shown under {@code shownId}: the first copy's acceptance as the message's, each
     * copy (node, local id, acceptance, end) listed, and every state change of every copy in time order (a stable
     * sort: one copy's changes keep their journal order), each marked with its node.
     *
     * @param copies in the order they were accepted.
     */
    public static AdminReply copies(final long shownId, final List<Copy> copies, final boolean text)
    {
        final List<Row> rows = new ArrayList<>();
        for (final Copy c : copies)
        {
            if (text)
            {
                rows.add(new Row(c.history().accepted.acceptedAtMs, c, null));
            }
            for (final MessageHistory.Change change : c.history().changes)
            {
                rows.add(new Row(change.atMs(), c, change));
            }
        }
        rows.sort(Comparator.comparingLong(Row::atMs));
        return AdminReply.ok(text ? copiesText(shownId, copies, rows) : copiesJson(shownId, copies, rows));
    }

    private static String copiesJson(final long shownId, final List<Copy> copies, final List<Row> rows)
    {
        final MessageHistory first = copies.get(0).history();
        final StringBuilder sb = new StringBuilder(256 + 160 * rows.size());
        sb.append("{\"message_id\":").append(shownId);
        header(sb, first.accepted);
        sb.append(",\"copies\":[");
        for (int i = 0; i < copies.size(); i++)
        {
            final Copy c = copies.get(i);
            final AcceptedRecord a = c.history().accepted;
            sb.append(i == 0 ? "" : ",").append("{\"node\":\"").append(escape(c.node()))
                .append("\",\"local_id\":").append(c.localId())
                .append(",\"accepted_at\":\"").append(Instant.ofEpochMilli(a.acceptedAtMs))
                .append("\",\"decision\":\"").append(Decision.of(a.decision))
                .append("\",\"decision_reason\":\"").append(Reason.of(a.reason)).append('"');
            if (a.decision == Decision.DEFER.code())
            {
                sb.append(",\"due_at\":\"").append(Instant.ofEpochMilli(a.dueAtMs)).append('"');
            }
            sb.append(",\"end\":\"").append(c.history().end.name().toLowerCase(Locale.ROOT))
                .append("\",\"documents_read\":").append(c.history().documentsRead).append('}');
        }
        sb.append("],\"states\":[");
        for (int i = 0; i < rows.size(); i++)
        {
            sb.append(i == 0 ? "" : ",");
            state(sb, rows.get(i).change(), rows.get(i).copy().node());
        }
        sb.append(']');
        boolean any = false;
        for (final Copy c : copies)
        {
            for (final MessageHistory.LateReceipt r : c.history().lateReceipts)
            {
                sb.append(any ? "," : ",\"late_receipts\":[");
                any = true;
                lateReceipt(sb, r, c.node());
            }
        }
        if (any)
        {
            sb.append(']');
        }
        // the last copy is the one the partition's owner holds now
        final MessageHistory last = copies.get(copies.size() - 1).history();
        return sb.append(",\"end\":\"").append(last.end.name().toLowerCase(Locale.ROOT)).append("\"}\n").toString();
    }

    private static String copiesText(final long shownId, final List<Copy> copies, final List<Row> rows)
    {
        final AcceptedRecord first = copies.get(0).history().accepted;
        final StringBuilder sb = new StringBuilder();
        sb.append("message ").append(shownId).append("  tenant ").append(first.tenant()).append("  kind ")
            .append(MessageKind.of(first.kind)).append(key(first).isEmpty() ? "" : "  key " + key(first)).append('\n');
        sb.append(copies.size() == 1 ? "1 copy:" : copies.size() + " copies (its partition moved between owners):");
        for (final Copy c : copies)
        {
            sb.append("  ").append(c.node()).append(" (local id ").append(c.localId()).append(", ")
                .append(c.history().end.name().toLowerCase(Locale.ROOT)).append(')');
        }
        sb.append('\n');
        sb.append(String.format("%-24s  %-12s  %-17s  %7s  %-7s  %s%n", "time", "node", "state", "attempt", "channel",
            "reason"));
        for (final Row r : rows)
        {
            final MessageHistory.Change c = r.change();
            if (c == null)
            {
                final AcceptedRecord a = r.copy().history().accepted;
                sb.append(String.format("%-24s  %-12s  %-17s  %7d  %-7s  %s%n", Instant.ofEpochMilli(a.acceptedAtMs),
                    r.copy().node(), "ACCEPTED", 0, channel(a.channel), Decision.of(a.decision) +
                    (a.reason == 0 ? "" : " " + Reason.of(a.reason)) +
                    (a.decision == Decision.DEFER.code() ? " until " + Instant.ofEpochMilli(a.dueAtMs) : "")));
            }
            else
            {
                sb.append(String.format("%-24s  %-12s  %-17s  %7d  %-7s  %s%s%n", Instant.ofEpochMilli(c.atMs()),
                    r.copy().node(), c.state(), c.attempts(), channel(c.channel()), Reason.of(c.reason()),
                    c.address() == null ? "" : " to " + c.address()));
            }
        }
        return sb.toString();
    }

    private AdminReply confirm(final String id, final String tenant)
    {
        final long messageId;
        try
        {
            messageId = parse("message id", id, 0, Long.MAX_VALUE);
        }
        catch (final IllegalArgumentException ex)
        {
            return AdminReply.badRequest(ex.getMessage() + "; " + CONFIRM_USAGE);
        }
        final AcceptedRecord accepted = new AcceptedRecord();
        final boolean found;
        try (JournalReader reader = journal.newReader())
        {
            found = reader.readAccepted(messageId, accepted);
        }
        if (!found || (tenant != null && !tenant.equals(accepted.tenant())))
        {
            return new AdminReply(404, "no message " + messageId + (tenant == null ? "" : " of tenant " + tenant)
                + " in the journal\n");
        }
        if (!confirmations.delivered(accepted.channel, messageId))
        {
            return new AdminReply(409, "lane." + channel(accepted.channel)
                + " has no fallbackUndeliveredMs: its provider's receipts decide, not confirmations\n");
        }
        return new AdminReply(202, "{\"message_id\":" + messageId + ",\"receipt\":\"DELIVERED\"}\n");
    }

    private static String json(final long messageId, final MessageHistory h)
    {
        final AcceptedRecord a = h.accepted;
        final StringBuilder sb = new StringBuilder(256 + 128 * h.changes.size());
        sb.append("{\"message_id\":").append(messageId);
        header(sb, a);
        sb.append(",\"states\":[");
        for (int i = 0; i < h.changes.size(); i++)
        {
            sb.append(i == 0 ? "" : ",");
            state(sb, h.changes.get(i), null);
        }
        sb.append(']');
        if (!h.lateReceipts.isEmpty())
        {
            sb.append(",\"late_receipts\":[");
            for (int i = 0; i < h.lateReceipts.size(); i++)
            {
                sb.append(i == 0 ? "" : ",");
                lateReceipt(sb, h.lateReceipts.get(i), null);
            }
            sb.append(']');
        }
        return sb.append(",\"end\":\"").append(h.end.name().toLowerCase(Locale.ROOT))
            .append("\",\"documents_read\":").append(h.documentsRead).append("}\n").toString();
    }

    /** The acceptance's fields, after {@code message_id}. */
    private static void header(final StringBuilder sb, final AcceptedRecord a)
    {
        sb.append(",\"tenant\":\"").append(escape(a.tenant()))
            .append("\",\"kind\":\"").append(MessageKind.of(a.kind))
            .append("\",\"channel\":\"").append(channel(a.channel))
            .append("\",\"key\":\"").append(escape(key(a)))
            .append("\",\"campaign_id\":").append(a.campaignId)
            .append(",\"accepted_at\":\"").append(Instant.ofEpochMilli(a.acceptedAtMs))
            .append("\",\"decision\":\"").append(Decision.of(a.decision))
            .append("\",\"decision_reason\":\"").append(Reason.of(a.reason)).append('"');
        if (a.decision == Decision.DEFER.code())
        {
            sb.append(",\"due_at\":\"").append(Instant.ofEpochMilli(a.dueAtMs)).append('"');
        }
    }

    /** One state change as a JSON object, with the node that journaled it unless {@code node} is null. */
    private static void state(final StringBuilder sb, final MessageHistory.Change c, final String node)
    {
        sb.append("{\"at\":\"").append(Instant.ofEpochMilli(c.atMs()))
            .append("\",\"at_ms\":").append(c.atMs())
            .append(",\"state\":\"").append(c.state())
            .append("\",\"attempt\":").append(c.attempts())
            .append(",\"channel\":\"").append(channel(c.channel()))
            .append("\",\"reason\":\"").append(Reason.of(c.reason())).append('"');
        if (c.address() != null)
        {
            sb.append(",\"address\":\"").append(escape(c.address())).append('"');
        }
        node(sb, node).append('}');
    }

    /** One late receipt as a JSON object, with the node that journaled it unless {@code node} is null. */
    private static void lateReceipt(final StringBuilder sb, final MessageHistory.LateReceipt r, final String node)
    {
        sb.append("{\"at\":\"").append(Instant.ofEpochMilli(r.atMs()))
            .append("\",\"state\":\"").append(r.state())
            .append("\",\"channel\":\"").append(channel(r.channel()))
            .append("\",\"reason\":\"").append(Reason.of(r.reason())).append('"');
        node(sb, node).append('}');
    }

    private static StringBuilder node(final StringBuilder sb, final String node)
    {
        return node == null ? sb : sb.append(",\"node\":\"").append(escape(node)).append('"');
    }

    private static String text(final long messageId, final MessageHistory h)
    {
        final AcceptedRecord a = h.accepted;
        final StringBuilder sb = new StringBuilder();
        sb.append("message ").append(messageId).append("  tenant ").append(a.tenant()).append("  kind ")
            .append(MessageKind.of(a.kind)).append(a.campaignId == 0 ? "" : "  campaign " + a.campaignId)
            .append(key(a).isEmpty() ? "" : "  key " + key(a)).append('\n');
        sb.append(String.format("%-24s  %-17s  %7s  %-7s  %s%n", "time", "state", "attempt", "channel", "reason"));
        sb.append(String.format("%-24s  %-17s  %7d  %-7s  %s%n", Instant.ofEpochMilli(a.acceptedAtMs), "ACCEPTED", 0,
            channel(a.channel), Decision.of(a.decision) + (a.reason == 0 ? "" : " " + Reason.of(a.reason))
            + (a.decision == Decision.DEFER.code() ? " until " + Instant.ofEpochMilli(a.dueAtMs) : "")));
        for (final MessageHistory.Change c : h.changes)
        {
            sb.append(String.format("%-24s  %-17s  %7d  %-7s  %s%s%n", Instant.ofEpochMilli(c.atMs()), c.state(),
                c.attempts(), channel(c.channel()), Reason.of(c.reason()), c.address() == null ? "" : " to " + c.address()));
        }
        switch (h.end)
        {
            case TERMINAL -> sb.append("(complete: the message reached a final state)\n");
            case OPEN -> sb.append("(open: end of the journal; the message is not final yet)\n");
            default -> sb.append("(cut after ").append(h.documentsRead)
                .append(" journal documents: later states may exist; pass a larger limit)\n");
        }
        return sb.toString();
    }

    /** The idempotency key as the client sent it; a redriven copy's is {@code redrive:<original id>}. */
    private static String key(final AcceptedRecord a)
    {
        return new String(a.body, SubmitDescriptor.FIXED_LENGTH + 1, a.body[SubmitDescriptor.FIXED_LENGTH] & 0xFF,
            StandardCharsets.UTF_8);
    }

    private static String channel(final byte code)
    {
        final ChannelType c = ChannelType.of(code);
        return c == null ? "-" : c.name().toLowerCase(Locale.ROOT);
    }

    private static String escape(final String s)
    {
        final StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++)
        {
            final char c = s.charAt(i);
            if (c == '"' || c == '\\')
            {
                sb.append('\\').append(c);
            }
            else if (c < 0x20)
            {
                sb.append(String.format("\\u%04x", (int)c));
            }
            else
            {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String first(final QueryStringDecoder uri, final String name)
    {
        final List<String> v = uri.parameters().get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static long parse(final String name, final String value, final long min, final long max)
    {
        try
        {
            final long n = Long.parseLong(value);
            if (n >= min && n <= max)
            {
                return n;
            }
        }
        catch (final NumberFormatException ignore)
        {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be a number in " + min + ".." + max + ", was '" + value + "'");
    }
}
