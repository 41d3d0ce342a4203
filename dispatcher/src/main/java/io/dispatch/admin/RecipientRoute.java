package io.dispatch.admin;

import io.dispatch.config.TenantRegistry;
import io.dispatch.json.Json;
import io.dispatch.route.AdminReply;
import io.dispatch.route.AdminRoute;
import io.dispatch.targeting.AddressConsentLedger;
import io.dispatch.targeting.DirectoryLedger;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The directory read back from its journal, per tenant (the path names it; another tenant's recipient is unknown):
 * <pre>
 * GET /tenants/{t}/recipients/{id}[?format=text]     profile, addresses, consent in force and the consent ledger
 * GET /tenants/{t}/consent[?recipient=ID][&amp;from=T][&amp;to=T][&amp;format=csv|ndjson]   every consent statement
 * </pre>
 * The ledger joins the directory's consent statements ({@link DirectoryLedger}) and the CONSENT frames clients sent
 * for addresses ({@link AddressConsentLedger}; for one recipient, those for its phone, chat key and push tokens),
 * ordered by time, then by journal order. Times ({@code from} inclusive, {@code to} exclusive) are ISO-8601 instants
 * or epoch milliseconds. Each call reads the whole directory journal, and the message journal: an audit, not a hot
 * path, answered off the admin thread ({@link AdminRoute#slow}).
 */
public final class RecipientRoute implements AdminRoute
{
    static final String USAGE = "GET /tenants/<t>/recipients/<id>[?format=text] or GET /tenants/<t>/consent"
        + "[?recipient=ID][&from=ISO-8601|epochMs][&to=...][&format=csv|ndjson]";
    private static final String CSV_HEADER =
        "time,recorded_at,recipient,address,channel,purpose,action,sender,via,source,journal,journal_index\n";

    /** Stable: rows of one time keep their journal order (the directory's first). */
    private static final Comparator<DirectoryLedger.Entry> BY_TIME = Comparator.comparingLong(DirectoryLedger.Entry::atMs);

    private final TenantRegistry tenants;
    private final DirectoryLedger ledger;
    private final AddressConsentLedger addressLedger;

    public RecipientRoute(final TenantRegistry tenants, final DirectoryLedger ledger, final AddressConsentLedger addressLedger)
    {
        this.tenants = tenants;
        this.ledger = ledger;
        this.addressLedger = addressLedger;
    }

    /** @return whether the path is one of this route's (the rest of /tenants is the rates' and caps'). */
    public static boolean handles(final String path)
    {
        final String[] parts = path.split("/");
        return parts.length >= 4 && (parts[3].equals("recipients") || parts[3].equals("consent"));
    }

    @Override
    public boolean slow(final String path)
    {
        return true;
    }

    @Override
    public AdminReply handle(final String method, final QueryStringDecoder uri)
    {
        final String[] parts = uri.path().split("/", 5);
        if (!method.equals("GET"))
        {
            return new AdminReply(405, USAGE + "\n");
        }
        if (tenants.idOf(parts[2]) == 0)
        {
            return new AdminReply(404, "unknown tenant '" + parts[2] + "'\n");
        }
        if (parts[3].equals("recipients") && parts.length == 5 && !parts[4].isEmpty())
        {
            return show(parts[2], parts[4], "text".equals(first(uri, "format")));
        }
        if (parts[3].equals("consent") && parts.length == 4)
        {
            return export(parts[2], uri);
        }
        return new AdminReply(404, USAGE + "\n");
    }

    private AdminReply show(final String tenant, final String id, final boolean text)
    {
        final DirectoryLedger.Profile p = ledger.show(tenant, id);
        if (p == null)
        {
            return new AdminReply(404, "no recipient '" + id + "' in the directory of tenant " + tenant + "\n");
        }
        addressLedger.export(tenant, addresses(p), id, 0, Long.MAX_VALUE, p.ledger::add);
        p.ledger.sort(BY_TIME);
        return AdminReply.ok(text ? text(tenant, p) : json(tenant, p));
    }

    private AdminReply export(final String tenant, final QueryStringDecoder uri)
    {
        final long from;
        final long to;
        try
        {
            from = time("from", first(uri, "from"), 0);
            to = time("to", first(uri, "to"), Long.MAX_VALUE);
        }
        catch (final IllegalArgumentException ex)
        {
            return AdminReply.badRequest(ex.getMessage() + "; " + USAGE);
        }
        final String format = first(uri, "format") == null ? "csv" : first(uri, "format");
        if (!format.equals("csv") && !format.equals("ndjson"))
        {
            return AdminReply.badRequest("format: '" + format + "' is not csv or ndjson; " + USAGE);
        }
        final String recipient = first(uri, "recipient");
        final List<DirectoryLedger.Entry> rows = new ArrayList<>();
        ledger.export(tenant, recipient, from, to, rows::add);
        if (recipient == null)
        {
            addressLedger.export(tenant, null, "", from, to, rows::add);
        }
        else
        {
            final DirectoryLedger.Profile p = ledger.show(tenant, recipient);
            if (p != null)
            {
                addressLedger.export(tenant, addresses(p), recipient, from, to, rows::add);
            }
        }
        rows.sort(BY_TIME);
        final StringBuilder sb = new StringBuilder(format.equals("csv") ? CSV_HEADER : "");
        for (final DirectoryLedger.Entry e : rows)
        {
            if (format.equals("csv"))
            {
                csv(sb, e);
            }
            else
            {
                entryJson(sb, e).append('\n');
            }
        }
        return AdminReply.ok(sb.toString());
    }

    /** The addresses a direct SUBMIT may name for the recipient: phone, chat key, push tokens with and without prefix. */
    private static Set<String> addresses(final DirectoryLedger.Profile p)
    {
        final Set<String> out = new HashSet<>();
        for (final String key : new String[] {"phone", "chat_key"})
        {
            if (p.attributes.containsKey(key))
            {
                out.add(p.attributes.get(key));
            }
        }
        for (final String token : p.pushTokens)
        {
            out.add(token);
            out.add(token.substring(token.indexOf(':') + 1));
        }
        return out;
    }

    private static String json(final String tenant, final DirectoryLedger.Profile p)
    {
        final StringBuilder sb = new StringBuilder(512);
        sb.append("{\"tenant\":");
        Json.quote(sb, tenant).append(",\"recipient\":");
        Json.quote(sb, p.id).append(",\"exists\":").append(p.exists).append(",\"attributes\":{");
        boolean first = true;
        for (final Map.Entry<String, String> a : p.attributes.entrySet())
        {
            Json.quote(sb.append(first ? "" : ","), a.getKey()).append(':');
            Json.quote(sb, a.getValue());
            first = false;
        }
        sb.append("},\"tags\":");
        list(sb, p.tags);
        sb.append(",\"push_tokens\":");
        list(sb, p.pushTokens);
        sb.append(",\"invalid_push_tokens\":");
        list(sb, p.invalidPushTokens);
        sb.append(",\"consent\":{");
        for (int c = 1; c <= 3; c++)
        {
            sb.append(c == 1 ? "\"sms\"" : c == 2 ? ",\"push\"" : ",\"chat\"").append(":{\"flags\":");
            Json.quote(sb, flags(p.consent[c])).append(",\"at\":");
            Json.quote(sb, p.consentAtMs[c] == 0 ? "" : Instant.ofEpochMilli(p.consentAtMs[c]).toString())
                .append(",\"source\":");
            Json.quote(sb, p.consentSource[c] == null ? "" : p.consentSource[c]).append('}');
        }
        sb.append("},\"ledger\":[");
        for (int i = 0; i < p.ledger.size(); i++)
        {
            entryJson(sb.append(i == 0 ? "\n" : ",\n"), p.ledger.get(i));
        }
        return sb.append("],\"journal\":{\"first_index\":").append(p.firstIndex).append(",\"last_index\":")
            .append(p.lastIndex).append("}}\n").toString();
    }

    private static String text(final String tenant, final DirectoryLedger.Profile p)
    {
        final StringBuilder sb = new StringBuilder(512);
        sb.append("recipient ").append(p.id).append(" (tenant ").append(tenant).append(')')
            .append(p.exists ? "" : " DELETED").append('\n');
        for (final Map.Entry<String, String> a : p.attributes.entrySet())
        {
            sb.append("  ").append(a.getKey()).append(": ").append(a.getValue()).append('\n');
        }
        if (!p.tags.isEmpty())
        {
            sb.append("  tags: ").append(String.join(", ", p.tags)).append('\n');
        }
        if (!p.pushTokens.isEmpty() || !p.invalidPushTokens.isEmpty())
        {
            sb.append("  push tokens: ").append(String.join(", ", p.pushTokens))
                .append(p.invalidPushTokens.isEmpty() ? "" : " (invalid: " + String.join(", ", p.invalidPushTokens) + ")")
                .append('\n');
        }
        sb.append("consent in force:\n");
        for (int c = 1; c <= 3; c++)
        {
            sb.append("  ").append(c == 1 ? "sms " : c == 2 ? "push" : "chat").append("  ").append(flags(p.consent[c]));
            if (p.consentAtMs[c] != 0)
            {
                sb.append("  since ").append(Instant.ofEpochMilli(p.consentAtMs[c])).append("  source: ")
                    .append(p.consentSource[c]);
            }
            sb.append('\n');
        }
        sb.append("consent ledger (").append(p.ledger.size()).append(" statements, oldest first):\n");
        for (final DirectoryLedger.Entry e : p.ledger)
        {
            sb.append("  ").append(Instant.ofEpochMilli(e.atMs())).append("  ").append(e.channel()).append(' ')
                .append(e.purpose()).append(' ').append(e.action())
                .append(e.sender().isEmpty() ? "" : " sender " + e.sender())
                .append("  via ").append(e.via()).append("  source: ").append(e.source())
                .append(e.address().isEmpty() ? "" : "  address " + e.address())
                .append("  (journaled ").append(Instant.ofEpochMilli(e.recordedAtMs())).append(", ").append(e.journal())
                .append(" journal index ").append(e.journalIndex()).append(")\n");
        }
        return sb.toString();
    }

    private static StringBuilder entryJson(final StringBuilder sb, final DirectoryLedger.Entry e)
    {
        sb.append("{\"time\":\"").append(Instant.ofEpochMilli(e.atMs()))
            .append("\",\"recorded_at\":\"").append(Instant.ofEpochMilli(e.recordedAtMs())).append("\",\"recipient\":");
        Json.quote(sb, e.recipient()).append(",\"address\":");
        Json.quote(sb, e.address()).append(",\"channel\":\"").append(e.channel())
            .append("\",\"purpose\":\"").append(e.purpose()).append("\",\"action\":\"").append(e.action())
            .append("\",\"sender\":");
        Json.quote(sb, e.sender()).append(",\"via\":\"").append(e.via()).append("\",\"source\":");
        return Json.quote(sb, e.source()).append(",\"journal\":\"").append(e.journal()).append("\",\"journal_index\":")
            .append(e.journalIndex()).append('}');
    }

    private static void csv(final StringBuilder sb, final DirectoryLedger.Entry e)
    {
        sb.append(Instant.ofEpochMilli(e.atMs())).append(',').append(Instant.ofEpochMilli(e.recordedAtMs())).append(',');
        csvField(sb, e.recipient()).append(',');
        csvField(sb, e.address()).append(',').append(e.channel()).append(',').append(e.purpose()).append(',')
            .append(e.action()).append(',');
        csvField(sb, e.sender()).append(',').append(e.via()).append(',');
        csvField(sb, e.source()).append(',').append(e.journal()).append(',').append(e.journalIndex()).append('\n');
    }

    /** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. */
    private static StringBuilder csvField(final StringBuilder sb, final String v)
    {
        if (v.indexOf(',') < 0 && v.indexOf('"') < 0 && v.indexOf('\n') < 0 && v.indexOf('\r') < 0)
        {
            return sb.append(v);
        }
        return sb.append('"').append(v.replace("\"", "\"\"")).append('"');
    }

    private static void list(final StringBuilder sb, final Iterable<String> values)
    {
        sb.append('[');
        boolean first = true;
        for (final String v : values)
        {
            Json.quote(sb.append(first ? "" : ","), v);
            first = false;
        }
        sb.append(']');
    }

    private static String flags(final int flags)
    {
        if (flags == 0)
        {
            return "none";
        }
        final StringBuilder sb = new StringBuilder();
        sb.append((flags & 1) != 0 ? "ad," : "").append((flags & 2) != 0 ? "night_ad," : "")
            .append((flags & 4) != 0 ? "opted_out," : "");
        return sb.substring(0, sb.length() - 1);
    }

    private static long time(final String name, final String v, final long dflt)
    {
        if (v == null)
        {
            return dflt;
        }
        try
        {
            return v.chars().allMatch(Character::isDigit) ? Long.parseLong(v) : Instant.parse(v).toEpochMilli();
        }
        catch (final NumberFormatException | DateTimeParseException ex)
        {
            throw new IllegalArgumentException(name + ": '" + v + "' is not an ISO-8601 instant (2026-03-01T00:00:00Z)"
                + " or epoch milliseconds");
        }
    }

    private static String first(final QueryStringDecoder uri, final String name)
    {
        final List<String> v = uri.parameters().get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }
}
