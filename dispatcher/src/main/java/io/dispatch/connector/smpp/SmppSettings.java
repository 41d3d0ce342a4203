package io.dispatch.connector.smpp;

import org.jsmpp.bean.BindType;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.TypeOfNumber;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The validated, immutable settings of one {@code smpp} connector (keys under {@code lane.<channel>.connector.}).
 * Every error names the key. The password is read once from a file or an environment variable and is never
 * part of {@link #toString()}.
 */
record SmppSettings(
    String host,
    int port,
    String systemId,
    String password,
    String systemType,
    BindType bindType,
    int binds,
    int windowPerBind,
    long enquireLinkMs,
    long requestTimeoutMs,
    long bindTimeoutMs,
    long reconnectInitialMs,
    long reconnectMaxMs,
    String serviceType,
    String sourceAddr,
    TypeOfNumber sourceTon,
    NumberingPlanIndicator sourceNpi,
    TypeOfNumber destTon,
    NumberingPlanIndicator destNpi,
    byte registeredDelivery,
    boolean validityFromTtl,
    int maxParts,
    boolean sarConcatenation,
    int receiptTrackingCapacity,
    long receiptTrackingTtlMs,
    ProviderIds messageIds,
    SmppStatusMapping statusMapping,
    boolean queryOnRecovery,
    int queryPerSecond,
    String moTenant)
{
    static final Set<String> KEYS = new TreeSet<>(Set.of(
        "host", "port", "systemId", "passwordFile", "passwordEnv", "systemType", "bindType", "binds", "windowPerBind",
        "enquireLinkMs", "requestTimeoutMs", "bindTimeoutMs", "reconnectInitialMs", "reconnectMaxMs", "serviceType",
        "sourceAddr", "sourceTon", "sourceNpi", "destTon", "destNpi", "registeredDelivery", "validityFromTtl",
        "maxParts", "concatenation", "receiptTrackingCapacity", "receiptTrackingTtlMs", "messageIds", "statusMap",
        "queryOnRecovery", "queryPerSecond", "moTenant"));

    /** Parses with the process environment; see {@link #parse(Map, Function)}. */
    static SmppSettings parse(final Map<String, String> s)
    {
        return parse(s, System::getenv);
    }

    /**
     * @param s   the connector's settings.
     * @param env where {@code passwordEnv} is looked up (injected for tests).
     * @throws IllegalArgumentException naming the bad key.
     */
    static SmppSettings parse(final Map<String, String> s, final Function<String, String> env)
    {
        for (final String key : s.keySet())
        {
            if (!KEYS.contains(key))
            {
                throw new IllegalArgumentException("unknown setting '" + key + "' for the smpp connector; known: " + KEYS);
            }
        }
        final long reconnectInitialMs = number(s, "reconnectInitialMs", 1_000, 10, 3_600_000);
        final long reconnectMaxMs = number(s, "reconnectMaxMs", 30_000, 10, 3_600_000);
        if (reconnectMaxMs < reconnectInitialMs)
        {
            throw new IllegalArgumentException("reconnectMaxMs: must be >= reconnectInitialMs (" + reconnectInitialMs + ")");
        }
        return new SmppSettings(
            required(s, "host"),
            (int)number(s, "port", -1, 1, 65_535),
            limited(required(s, "systemId"), "systemId", 15),
            limited(password(s, env), "passwordFile/passwordEnv", 8),
            limited(s.getOrDefault("systemType", ""), "systemType", 12),
            bindType(s.getOrDefault("bindType", "transceiver")),
            (int)number(s, "binds", 1, 1, 64),
            (int)number(s, "windowPerBind", 10, 1, 1_000),
            number(s, "enquireLinkMs", 30_000, 100, 3_600_000),
            number(s, "requestTimeoutMs", 10_000, 10, 600_000),
            number(s, "bindTimeoutMs", 10_000, 10, 600_000),
            reconnectInitialMs,
            reconnectMaxMs,
            limited(s.getOrDefault("serviceType", ""), "serviceType", 5),
            limited(s.getOrDefault("sourceAddr", ""), "sourceAddr", 20),
            ton(s, "sourceTon"),
            npi(s, "sourceNpi"),
            ton(s, "destTon"),
            npi(s, "destNpi"),
            registeredDelivery(s.getOrDefault("registeredDelivery", "always")),
            bool(s, "validityFromTtl", true),
            (int)number(s, "maxParts", 10, 1, 255),
            sar(s.getOrDefault("concatenation", "udh")),
            (int)number(s, "receiptTrackingCapacity", 500_000, 16, 100_000_000),
            number(s, "receiptTrackingTtlMs", 172_800_000L, 1_000, 30L * 86_400_000L),
            ProviderIds.parse(s.getOrDefault("messageIds", "auto")),
            SmppStatusMapping.parse(s.getOrDefault("statusMap", "")),
            bool(s, "queryOnRecovery", true),
            (int)number(s, "queryPerSecond", 20, 1, 10_000),
            s.getOrDefault("moTenant", "").trim());
    }

    @Override
    public String toString()
    {
        return "smpp " + host + ":" + port + " systemId=" + systemId + " password=**** bindType=" + bindType
            + " binds=" + binds + " windowPerBind=" + windowPerBind + " enquireLinkMs=" + enquireLinkMs
            + " requestTimeoutMs=" + requestTimeoutMs + " reconnect=" + reconnectInitialMs + ".." + reconnectMaxMs + "ms"
            + " source=" + sourceAddr + "/" + sourceTon + "/" + sourceNpi + " dest=" + destTon + "/" + destNpi
            + " maxParts=" + maxParts + " concatenation=" + (sarConcatenation ? "sar" : "udh") + " messageIds=" + messageIds
            + " queryOnRecovery=" + (queryOnRecovery ? queryPerSecond + "/s" : "off")
            + " moTenant=" + (moTenant.isEmpty() ? "none (MO acknowledged and dropped)" : moTenant);
    }

    private static String required(final Map<String, String> s, final String key)
    {
        final String v = s.get(key);
        if (v == null || v.isBlank())
        {
            throw new IllegalArgumentException(key + ": required by the smpp connector");
        }
        return v.trim();
    }

    private static String limited(final String value, final String key, final int maxLength)
    {
        if (value.length() > maxLength || !StandardCharsets.US_ASCII.newEncoder().canEncode(value))
        {
            throw new IllegalArgumentException(key + ": at most " + maxLength + " ASCII characters in SMPP 3.4");
        }
        return value;
    }

    private static String password(final Map<String, String> s, final Function<String, String> env)
    {
        final String file = s.get("passwordFile");
        final String var = s.get("passwordEnv");
        if ((file == null) == (var == null))
        {
            throw new IllegalArgumentException("passwordFile/passwordEnv: set exactly one (the bind password is never "
                + "written in the configuration)");
        }
        if (file != null)
        {
            try
            {
                // one trailing newline is what editors and `echo` add; it is not part of the password
                return Files.readString(Path.of(file.trim()), StandardCharsets.US_ASCII).replaceAll("\\r?\\n$", "");
            }
            catch (final IOException | RuntimeException ex)
            {
                throw new IllegalArgumentException("passwordFile: cannot read '" + file + "' (" + ex.getClass().getSimpleName()
                    + ")", ex);
            }
        }
        final String value = env.apply(var.trim());
        if (value == null)
        {
            throw new IllegalArgumentException("passwordEnv: environment variable '" + var + "' is not set");
        }
        return value;
    }

    private static BindType bindType(final String v)
    {
        switch (v.trim())
        {
            case "transceiver": return BindType.BIND_TRX;
            case "transmitter": return BindType.BIND_TX;
            default: throw new IllegalArgumentException("bindType: '" + v + "' is not transceiver or transmitter");
        }
    }

    private static boolean sar(final String v)
    {
        switch (v.trim())
        {
            case "udh": return false;
            case "sar": return true;
            default: throw new IllegalArgumentException("concatenation: '" + v + "' is not udh or sar");
        }
    }

    private static byte registeredDelivery(final String v)
    {
        switch (v.trim())
        {
            case "always": return 0x01;
            case "failure": return 0x02;
            case "none": return 0x00;
            default: throw new IllegalArgumentException("registeredDelivery: '" + v + "' is not always, failure or none");
        }
    }

    private static TypeOfNumber ton(final Map<String, String> s, final String key)
    {
        final long v = number(s, key, 0, 0, 6);
        return TypeOfNumber.valueOf((byte)v);
    }

    private static NumberingPlanIndicator npi(final Map<String, String> s, final String key)
    {
        final long v = number(s, key, key.startsWith("dest") ? 1 : 0, 0, 18);
        try
        {
            return NumberingPlanIndicator.valueOf((byte)v);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException(key + ": " + v + " is not an SMPP NPI (0, 1, 3, 4, 6, 8, 9, 10, 14, 18)", ex);
        }
    }

    private static boolean bool(final Map<String, String> s, final String key, final boolean defaultValue)
    {
        final String v = s.get(key);
        if (v == null)
        {
            return defaultValue;
        }
        switch (v.trim())
        {
            case "true": return true;
            case "false": return false;
            default: throw new IllegalArgumentException(key + ": '" + v + "' is not true or false");
        }
    }

    private static long number(final Map<String, String> s, final String key, final long defaultValue, final long min,
        final long max)
    {
        final String v = s.get(key);
        if (v == null)
        {
            if (defaultValue < min)
            {
                throw new IllegalArgumentException(key + ": required by the smpp connector");
            }
            return defaultValue;
        }
        final long n;
        try
        {
            n = Long.parseLong(v.trim());
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(key + ": '" + v + "' is not a whole number", ex);
        }
        if (n < min || n > max)
        {
            throw new IllegalArgumentException(key + ": " + n + " is outside [" + min + ", " + max + "]");
        }
        return n;
    }
}
