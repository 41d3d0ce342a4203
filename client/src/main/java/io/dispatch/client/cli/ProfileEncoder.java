package io.dispatch.client.cli;

import io.dispatch.protocol.DirectoryOp;
import io.dispatch.protocol.DirectoryOpWriter;

import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;

/**
 * Turns one import row into ONE UPSERT op, consent columns included as CONSENT fields, so the engine applies
 * the row whole or not at all; then checks the op with {@link DirectoryOp#validate()} so a bad row is reported
 * here and never sent. Empty values leave the field out (an UPSERT replaces the profile, and an empty consent
 * leaves that channel's consent unchanged).
 * <p>
 * <b>Note:</b> not thread-safe.
 */
final class ProfileEncoder
{
    /** Consent values: ad, ad+night, optout, none; each sets some flags and clears the others. */
    static final String CONSENT_VALUES = "ad, ad+night, optout, none or empty";

    private static final int AD = 1;
    private static final int NIGHT = 2;
    private static final int OPTED_OUT = 4;
    private static final int MAX_FIELDS = 255;

    private final DirectoryOpWriter writer = new DirectoryOpWriter();
    private final DirectoryOp reader = new DirectoryOp();
    private final String source;
    private final ZoneId zone;
    private int fields;

    /**
     * @param source evidence kept with each consent change (at most 255 bytes), e.g. "import:members.csv".
     * @param zone   the zone of local times and dates.
     */
    ProfileEncoder(final String source, final ZoneId zone)
    {
        this.source = source;
        this.zone = zone;
    }

    /**
     * Encodes the row into {@link #writer()}.
     *
     * @return null when the op is ready, otherwise what is wrong with the row, naming the column.
     */
    String encode(final ImportRow row)
    {
        try
        {
            final String id = id(row);
            checkBytes("id", id, DirectoryOp.MAX_ID_LENGTH);
            writer.upsert(id);
            fields = 0;
            final List<Column> columns = row.columns();
            for (int i = 0; i < columns.size(); i++)
            {
                final Object value = row.values().get(i);
                if (value != null && !"".equals(value))
                {
                    field(columns.get(i), value);
                }
            }
        }
        catch (final IllegalArgumentException ex)
        {
            return ex.getMessage();
        }
        if (writer.length() >= DirectoryOp.MAX_OP_LENGTH)
        {
            return "the row encodes to " + writer.length() + " bytes, at most " + (DirectoryOp.MAX_OP_LENGTH - 1);
        }
        return reader.wrap(writer.buffer(), 0, writer.length()).validate();
    }

    /** @return the writer holding the last op encoded without a problem. */
    DirectoryOpWriter writer()
    {
        return writer;
    }

    private static String id(final ImportRow row)
    {
        for (int i = 0; i < row.columns().size(); i++)
        {
            if (row.columns().get(i).kind() == Column.Kind.ID)
            {
                final Object v = row.values().get(i);
                if (v instanceof Long)
                {
                    return v.toString();
                }
                if (v instanceof String && !((String)v).isBlank())
                {
                    return ((String)v).trim();
                }
                throw new IllegalArgumentException(v == null || v instanceof String ? "id is empty" : "id must be a string");
            }
        }
        throw new IllegalArgumentException("id is missing");
    }

    private void field(final Column column, final Object value)
    {
        switch (column.kind())
        {
            case ATTRIBUTE:
                attribute(column, value);
                break;
            case TAGS:
                for (final String tag : list(column, value))
                {
                    checkBytes("tag", tag, DirectoryOp.MAX_NAME_LENGTH);
                    count(column);
                    writer.addTag(tag);
                }
                break;
            case PUSH:
                for (final String token : list(column, value))
                {
                    push(token);
                }
                break;
            case CONSENT:
                consent(column, string(column, value));
                break;
            default:
                break;
        }
    }

    private void attribute(final Column column, final Object value)
    {
        checkBytes(column.label() + " name", column.name(), DirectoryOp.MAX_NAME_LENGTH);
        count(column);
        switch (column.type())
        {
            case DirectoryOp.INT:
                writer.integer(column.name(), value instanceof Long ? (Long)value : parseLong(column, value));
                break;
            case DirectoryOp.TIME:
                writer.time(column.name(), value instanceof Long ? (Long)value :
                    TimeValues.parse(string(column, value), zone));
                break;
            default:
                final String s = string(column, value);
                checkBytes(column.label(), s, DirectoryOp.MAX_STRING_LENGTH);
                writer.string(column.name(), s);
                break;
        }
    }

    /** {@code fcm:TOKEN} or {@code apns:TOKEN}. */
    private void push(final String entry)
    {
        final int colon = entry.indexOf(':');
        final String platform = colon < 0 ? "" : entry.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        if (!platform.equals("fcm") && !platform.equals("apns"))
        {
            throw new IllegalArgumentException("push '" + entry + "' must be fcm:TOKEN or apns:TOKEN");
        }
        final String token = entry.substring(colon + 1).trim();
        if (token.isEmpty())
        {
            throw new IllegalArgumentException("push '" + entry + "' has an empty token");
        }
        checkBytes("push token", token, DirectoryOp.MAX_TOKEN_LENGTH);
        count(null);
        writer.pushToken(platform, token);
    }

    private void consent(final Column column, final String raw)
    {
        final int set;
        switch (raw.trim().toLowerCase(Locale.ROOT))
        {
            case "":
                return;
            case "ad":
                set = AD;
                break;
            case "ad+night":
                set = AD | NIGHT;
                break;
            case "optout":
                set = OPTED_OUT;
                break;
            case "none":
                set = 0;
                break;
            default:
                throw new IllegalArgumentException(column.label() + " '" + raw + "' must be " + CONSENT_VALUES);
        }
        checkBytes("consent source", source, DirectoryOp.MAX_SOURCE_LENGTH);
        count(column);
        writer.consentField(column.name(), set, ~set & (AD | NIGHT | OPTED_OUT), 0, source);
    }

    private void count(final Column column)
    {
        if (++fields > MAX_FIELDS)
        {
            throw new IllegalArgumentException("more than " + MAX_FIELDS + " fields in one row" +
                (column == null ? "" : " (at " + column.label() + ")"));
        }
    }

    /** CSV: a '|'-separated string; NDJSON: an array of strings (or such a string). */
    private static List<String> list(final Column column, final Object value)
    {
        if (value instanceof String)
        {
            final List<String> items = new java.util.ArrayList<>();
            for (final String item : ((String)value).split("\\|"))
            {
                if (!item.isBlank())
                {
                    items.add(item.trim());
                }
            }
            return items;
        }
        if (value instanceof List)
        {
            final List<String> items = new java.util.ArrayList<>();
            for (final Object item : (List<?>)value)
            {
                if (!(item instanceof String))
                {
                    throw new IllegalArgumentException(column.label() + " must be an array of strings");
                }
                items.add((String)item);
            }
            return items;
        }
        throw new IllegalArgumentException(column.label() + " must be an array of strings");
    }

    private static String string(final Column column, final Object value)
    {
        if (value instanceof String)
        {
            return (String)value;
        }
        throw new IllegalArgumentException(column.label() + " must be a string");
    }

    private static long parseLong(final Column column, final Object value)
    {
        try
        {
            return Long.parseLong(string(column, value).trim());
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(column.label() + " '" + value + "' is not a whole number");
        }
    }

    private static void checkBytes(final String what, final String value, final int max)
    {
        final int length = value.getBytes(StandardCharsets.UTF_8).length;
        if (length > max)
        {
            throw new IllegalArgumentException(what + " is " + length + " bytes UTF-8, at most " + max);
        }
    }
}
