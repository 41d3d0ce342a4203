package io.dispatch.connector.push;

import io.dispatch.connector.DeliveryRequest;
import io.dispatch.connector.Variables;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The push-specific parts of a message, read from its SUBMIT variables (docs/connectors/apns.md):
 * <pre>
 * push.title       alert title                      push.sound   sound name ("default")
 * push.collapseId  APNs apns-collapse-id, FCM       push.badge   app badge number (APNs)
 *                  android.collapse_key             push.data.K  custom key K (string value)
 * push.pushType    alert (default) | background: a silent, data-only push
 * </pre>
 * The rendered text is the alert body. Unknown {@code push.*} names are errors so that a typo does not
 * send something other than what was asked. Not thread-safe: one instance per send.
 */
public final class PushFields
{
    public static final String PREFIX = "push.";
    public static final String TITLE = "push.title";
    public static final String COLLAPSE_ID = "push.collapseId";
    public static final String PUSH_TYPE = "push.pushType";
    public static final String SOUND = "push.sound";
    public static final String BADGE = "push.badge";
    public static final String DATA_PREFIX = "push.data.";

    private String title;
    private String collapseId;
    private String pushType = "alert";
    private String sound;
    private Integer badge;
    private final Map<String, String> data = new LinkedHashMap<>();

    private PushFields()
    {
    }

    /**
     * @return the fields of the request's variables.
     * @throws IllegalArgumentException naming the variable when one is malformed.
     */
    public static PushFields of(final DeliveryRequest request)
    {
        final PushFields fields = new PushFields();
        final Variables vars = request.vars();
        while (vars.next())
        {
            final String name = vars.name();
            if (name.startsWith(PREFIX))
            {
                fields.set(name, vars.value());
            }
        }
        return fields;
    }

    private void set(final String name, final String value)
    {
        switch (name)
        {
            case TITLE -> title = value;
            case COLLAPSE_ID -> collapseId = value;
            case SOUND -> sound = value;
            case PUSH_TYPE ->
            {
                if (!value.equals("alert") && !value.equals("background"))
                {
                    throw new IllegalArgumentException(PUSH_TYPE + " must be alert or background, not '" + value + "'");
                }
                pushType = value;
            }
            case BADGE ->
            {
                try
                {
                    badge = Integer.valueOf(value.trim());
                }
                catch (final NumberFormatException ex)
                {
                    throw new IllegalArgumentException(BADGE + " must be a whole number, not '" + value + "'", ex);
                }
            }
            default ->
            {
                if (!name.startsWith(DATA_PREFIX) || name.length() == DATA_PREFIX.length())
                {
                    throw new IllegalArgumentException("unknown push variable '" + name + "'");
                }
                data.put(name.substring(DATA_PREFIX.length()), value);
            }
        }
    }

    /** @return the alert title, or null. */
    public String title()
    {
        return title;
    }

    /** @return the collapse id, or null. */
    public String collapseId()
    {
        return collapseId;
    }

    /** @return true for a silent, data-only push ({@code push.pushType=background}). */
    public boolean background()
    {
        return pushType.equals("background");
    }

    /** @return the sound name, or null. */
    public String sound()
    {
        return sound;
    }

    /** @return the badge number, or null. */
    public Integer badge()
    {
        return badge;
    }

    /** @return custom data keys and values from {@code push.data.*}, in submit order. */
    public Map<String, String> data()
    {
        return data;
    }
}
