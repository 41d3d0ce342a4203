package io.dispatch.config;

/**
 * How failed HELLOs are throttled per source address (docs/security.md "Credentials"): {@code burst} failures,
 * then one attempt per {@code intervalMs}, with at most {@code maxAddresses} addresses remembered.
 */
public record AuthLimits(int burst, int intervalMs, int maxAddresses)
{
    public static final AuthLimits DEFAULT = new AuthLimits(Configuration.INGEST_AUTH_FAILURE_BURST_DEFAULT,
        Configuration.INGEST_AUTH_FAILURE_INTERVAL_MS_DEFAULT, Configuration.INGEST_AUTH_FAILURE_ADDRESSES_DEFAULT);

    public static AuthLimits read(final Settings s)
    {
        return new AuthLimits(
            s.integer(Configuration.INGEST_AUTH_FAILURE_BURST_PROP_NAME, Configuration.INGEST_AUTH_FAILURE_BURST_DEFAULT,
                1, 1000),
            s.integer(Configuration.INGEST_AUTH_FAILURE_INTERVAL_MS_PROP_NAME,
                Configuration.INGEST_AUTH_FAILURE_INTERVAL_MS_DEFAULT, 1, 3_600_000),
            s.integer(Configuration.INGEST_AUTH_FAILURE_ADDRESSES_PROP_NAME,
                Configuration.INGEST_AUTH_FAILURE_ADDRESSES_DEFAULT, 16, 1 << 20));
    }

    public String describe()
    {
        return "authFailureBurst=" + burst + " authFailureIntervalMs=" + intervalMs + " authFailureAddresses=" +
            maxAddresses;
    }
}
