package io.dispatch.connector.push;

import io.dispatch.connector.Connector;
import io.dispatch.connector.ConnectorFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * Type {@code push}: one lane for iOS and Android. Hosts an {@code apns} and/or an {@code fcm} connector,
 * configured under {@code lane.push.connector.apns.*} and {@code lane.push.connector.fcm.*}, and routes
 * each message by its recipient's prefix ({@code apns:} / {@code fcm:}). The providers are found with
 * {@link ServiceLoader} like any connector, so this package does not depend on theirs.
 */
public final class PushConnectorFactory implements ConnectorFactory
{
    static final String PREFIX = "lane.push.connector.";
    static final String[] PROVIDERS = {"apns", "fcm"};

    @Override
    public String type()
    {
        return "push";
    }

    @Override
    public void validate(final Map<String, String> settings)
    {
        final Map<String, Map<String, String>> byProvider = split(settings);
        byProvider.forEach((type, sub) -> provider(type).validate(sub, PREFIX + type + "."));
    }

    @Override
    public Connector create(final Map<String, String> settings)
    {
        final Map<String, Map<String, String>> byProvider = split(settings);
        final Connector apns = byProvider.containsKey("apns") ?
            provider("apns").create(byProvider.get("apns"), PREFIX + "apns.") : null;
        final Connector fcm = byProvider.containsKey("fcm") ?
            provider("fcm").create(byProvider.get("fcm"), PREFIX + "fcm.") : null;
        return new PushConnector(apns, fcm);
    }

    /** @return the settings per provider type, without the {@code <type>.} part of the key. */
    static Map<String, Map<String, String>> split(final Map<String, String> settings)
    {
        final Map<String, Map<String, String>> out = new LinkedHashMap<>();
        for (final Map.Entry<String, String> e : new TreeMap<>(settings).entrySet())
        {
            final int dot = e.getKey().indexOf('.');
            final String type = dot < 0 ? e.getKey() : e.getKey().substring(0, dot);
            if (dot < 0 || !(type.equals("apns") || type.equals("fcm")))
            {
                throw new IllegalArgumentException("unknown setting '" + PREFIX + e.getKey() +
                    "': the push connector takes " + PREFIX + "apns.* and " + PREFIX + "fcm.*");
            }
            out.computeIfAbsent(type, t -> new TreeMap<>()).put(e.getKey().substring(dot + 1), e.getValue());
        }
        if (out.isEmpty())
        {
            throw new IllegalArgumentException("the push connector needs " + PREFIX + "apns.* or " + PREFIX + "fcm.* settings");
        }
        return out;
    }

    private static PushProviderFactory provider(final String type)
    {
        for (final ConnectorFactory f : ServiceLoader.load(ConnectorFactory.class))
        {
            if (f.type().equals(type) && f instanceof PushProviderFactory p)
            {
                return p;
            }
        }
        throw new IllegalArgumentException("no push provider of type '" + type + "' on the class path");
    }
}
