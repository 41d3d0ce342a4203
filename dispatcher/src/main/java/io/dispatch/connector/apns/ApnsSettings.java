package io.dispatch.connector.apns;

import com.eatthepath.pushy.apns.ApnsClientBuilder;
import com.eatthepath.pushy.apns.auth.ApnsSigningKey;
import io.dispatch.connector.push.SettingsReader;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Settings of the {@code apns} connector, read and checked once (docs/connectors/apns.md lists them).
 * Immutable. The signing key is loaded here so that a bad key file fails start-up, naming the setting.
 */
record ApnsSettings(
    String host,
    int port,
    ApnsSigningKey signingKey,
    String topic,
    Path trustedCaFile,
    int maxInFlight,
    int connections,
    int eventLoopThreads,
    long connectTimeoutMs,
    long requestTimeoutMs,
    long idlePingMs)
{
    static final Set<String> KEYS = Set.of(
        "host", "port", "keyFile", "keyId", "teamId", "topic", "trustedCaFile", "maxInFlight", "connections",
        "eventLoopThreads", "connectTimeoutMs", "requestTimeoutMs", "idlePingMs");

    /** Apple key and team ids are ten upper-case letters or digits. */
    private static final Pattern APPLE_ID = Pattern.compile("[A-Z0-9]{10}");

    static ApnsSettings parse(final Map<String, String> settings, final String prefix)
    {
        final SettingsReader s = new SettingsReader(settings, prefix).requireKnown(KEYS);
        final String keyId = appleId(s, "keyId");
        final String teamId = appleId(s, "teamId");
        final Path keyFile = s.file("keyFile", true);
        final ApnsSigningKey key;
        try
        {
            key = ApnsSigningKey.loadFromPkcs8File(keyFile.toFile(), teamId, keyId);
        }
        catch (final Exception ex)
        {
            // the message names the file only: the exception text could quote key material
            throw new IllegalArgumentException(
                s.key("keyFile") + ": '" + keyFile + "' is not a PKCS#8 EC (.p8) signing key (" + ex.getClass().getSimpleName() + ")");
        }
        return new ApnsSettings(
            s.string("host", ApnsClientBuilder.PRODUCTION_APNS_HOST),
            (int)s.number("port", ApnsClientBuilder.DEFAULT_APNS_PORT, 1, 65535),
            key,
            s.required("topic"),
            s.file("trustedCaFile", false),
            (int)s.number("maxInFlight", 1000, 1, 100_000),
            (int)s.number("connections", 1, 1, 64),
            (int)s.number("eventLoopThreads", 1, 1, 64),
            s.number("connectTimeoutMs", 10_000, 100, 600_000),
            s.number("requestTimeoutMs", 30_000, 100, 600_000),
            s.number("idlePingMs", 60_000, 1_000, 3_600_000));
    }

    private static String appleId(final SettingsReader s, final String key)
    {
        final String id = s.required(key);
        if (!APPLE_ID.matcher(id).matches())
        {
            throw new IllegalArgumentException(s.key(key) + " must be 10 upper-case letters or digits, not '" + id + "'");
        }
        return id;
    }

    @Override
    public String toString()
    {
        // no key material: only where the key came from
        return "host=" + host + ":" + port + " topic=" + topic + " keyId=" + signingKey.getKeyId() + " teamId=" +
            signingKey.getTeamId() + " maxInFlight=" + maxInFlight + " connections=" + connections;
    }
}
