package io.dispatch.load.directory;

import java.io.IOException;
import java.time.Instant;

/**
 * The import file formats of generated rows: CSV with the header {@link #CSV_HEADER} (tags and push
 * '|'-separated, times ISO-8601 instants, consent ad / ad+night / optout / empty, custom columns
 * {@code str:grade}, {@code int:points}) and NDJSON (one object per line, same keys, tags and push as arrays,
 * custom attributes under "attributes", absent values left out). Stateless.
 */
public final class RowFormats
{
    public static final String CSV_HEADER =
        "id,gender,birth_year,region,phone,chat_key,tags,last_visit,last_purchase,push,consent_sms,consent_push,"
            + "consent_chat,str:grade,int:points";
    private static final String[] CONSENT_KEYS = {"consent_sms", "consent_push", "consent_chat"};

    private RowFormats()
    {
    }

    public static void csv(final RecipientRow x, final Appendable out) throws IOException
    {
        out.append(x.id).append(',').append(x.gender).append(',').append(Long.toString(x.birthYear)).append(',')
            .append(x.region).append(',').append(x.phone).append(',').append(orEmpty(x.chatKey)).append(',')
            .append(String.join("|", x.tags)).append(',').append(time(x.lastVisitMs)).append(',')
            .append(time(x.lastPurchaseMs)).append(',').append(String.join("|", x.push));
        for (int c = 0; c < 3; c++)
        {
            out.append(',').append(orEmpty(x.consent[c]));
        }
        out.append(',').append(x.grade).append(',')
            .append(x.points == RecipientRow.NONE ? "" : Long.toString(x.points)).append('\n');
    }

    public static void ndjson(final RecipientRow x, final Appendable out) throws IOException
    {
        out.append("{\"id\":");
        string(x.id, out);
        field("gender", x.gender, out);
        out.append(",\"birth_year\":").append(Long.toString(x.birthYear));
        field("region", x.region, out);
        field("phone", x.phone, out);
        field("chat_key", x.chatKey, out);
        array("tags", x.tags, out);
        field("last_visit", x.lastVisitMs == RecipientRow.NONE ? null : time(x.lastVisitMs), out);
        field("last_purchase", x.lastPurchaseMs == RecipientRow.NONE ? null : time(x.lastPurchaseMs), out);
        array("push", x.push, out);
        for (int c = 0; c < 3; c++)
        {
            field(CONSENT_KEYS[c], x.consent[c], out);
        }
        out.append(",\"attributes\":{\"grade\":");
        string(x.grade, out);
        if (x.points != RecipientRow.NONE)
        {
            out.append(",\"points\":").append(Long.toString(x.points));
        }
        out.append("}}\n");
    }

    private static void field(final String key, final String value, final Appendable out) throws IOException
    {
        if (value != null)
        {
            out.append(",\"").append(key).append("\":");
            string(value, out);
        }
    }

    private static void array(final String key, final java.util.List<String> values, final Appendable out)
        throws IOException
    {
        if (values.isEmpty())
        {
            return;
        }
        out.append(",\"").append(key).append("\":[");
        for (int i = 0; i < values.size(); i++)
        {
            if (i > 0)
            {
                out.append(',');
            }
            string(values.get(i), out);
        }
        out.append(']');
    }

    private static void string(final String s, final Appendable out) throws IOException
    {
        out.append('"');
        for (int i = 0; i < s.length(); i++)
        {
            final char c = s.charAt(i);
            if (c == '"' || c == '\\')
            {
                out.append('\\').append(c);
            }
            else if (c < 0x20)
            {
                out.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int)c));
            }
            else
            {
                out.append(c);
            }
        }
        out.append('"');
    }

    private static String time(final long epochMs)
    {
        return epochMs == RecipientRow.NONE ? "" : Instant.ofEpochMilli(epochMs).toString();
    }

    private static String orEmpty(final String s)
    {
        return s == null ? "" : s;
    }
}
