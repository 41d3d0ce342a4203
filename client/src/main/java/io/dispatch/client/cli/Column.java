package io.dispatch.client.cli;

import io.dispatch.protocol.DirectoryOp;

/**
 * What an import column (a CSV header label or an NDJSON key) holds, and how its values become fields of the
 * row's UPSERT: the recipient id, a reserved or custom attribute of a fixed type, the tags, the push tokens, or
 * the consent of one channel.
 *
 * @param label the header label or key, for messages.
 * @param kind  what the column holds.
 * @param type  {@link DirectoryOp#STRING}, {@link DirectoryOp#INT} or {@link DirectoryOp#TIME} for attributes.
 * @param name  the attribute name, or the consent channel (sms, push, chat, all).
 */
record Column(String label, Kind kind, byte type, String name)
{
    enum Kind
    {
        ID, ATTRIBUTE, TAGS, PUSH, CONSENT
    }

    static final String CONSENT_PREFIX = "consent_";

    /**
     * @throws IllegalArgumentException naming the label when it is none of the known columns.
     */
    static Column parse(final String label)
    {
        switch (label)
        {
            case "id":
                return new Column(label, Kind.ID, (byte)0, label);
            case "tags":
                return new Column(label, Kind.TAGS, (byte)0, label);
            case "push":
                return new Column(label, Kind.PUSH, (byte)0, label);
            case "consent_sms":
            case "consent_push":
            case "consent_chat":
            case "consent_all":
                return new Column(label, Kind.CONSENT, (byte)0, label.substring(CONSENT_PREFIX.length()));
            default:
                break;
        }
        final byte reserved = DirectoryOp.reservedType(label);
        if (reserved != 0)
        {
            return new Column(label, Kind.ATTRIBUTE, reserved, label);
        }
        final Column custom = prefixed(label);
        if (custom == null)
        {
            throw new IllegalArgumentException("unknown column '" + label + "': use id, gender, birth_year, region, " +
                "phone, chat_key, tags, last_visit, last_purchase, push, consent_sms, consent_push, consent_chat, " +
                "or str:NAME, int:NAME, time:NAME for a custom attribute");
        }
        return custom;
    }

    /**
     * An NDJSON {@code attributes} entry: a {@code str:}/{@code int:}/{@code time:} prefix or a reserved name fixes
     * the type; otherwise a string is STRING and an integer INT.
     *
     * @return the column, or null when the value's type cannot be told (caller reports it).
     */
    static Column attribute(final String key, final Object value)
    {
        final Column custom = prefixed(key);
        if (custom != null)
        {
            return custom;
        }
        final byte reserved = DirectoryOp.reservedType(key);
        if (reserved != 0)
        {
            return new Column(key, Kind.ATTRIBUTE, reserved, key);
        }
        if (value instanceof String)
        {
            return new Column(key, Kind.ATTRIBUTE, DirectoryOp.STRING, key);
        }
        if (value instanceof Long)
        {
            return new Column(key, Kind.ATTRIBUTE, DirectoryOp.INT, key);
        }
        return null;
    }

    private static Column prefixed(final String label)
    {
        final int colon = label.indexOf(':');
        if (colon <= 0)
        {
            return null;
        }
        final String name = label.substring(colon + 1);
        switch (label.substring(0, colon))
        {
            case "str":
                return new Column(label, Kind.ATTRIBUTE, DirectoryOp.STRING, name);
            case "int":
                return new Column(label, Kind.ATTRIBUTE, DirectoryOp.INT, name);
            case "time":
                return new Column(label, Kind.ATTRIBUTE, DirectoryOp.TIME, name);
            default:
                return null;
        }
    }
}
