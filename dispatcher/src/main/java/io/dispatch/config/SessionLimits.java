package io.dispatch.config;

/**
 * Caps on connections and receipt subscriptions, per tenant and in total: each connection has an answer queue
 * and each subscription a receipt buffer in direct memory (small when idle, up to megabytes under load), so one
 * tenant's flood of connections must not exhaust it and leave every other tenant's HELLO unanswered.
 */
public record SessionLimits(int maxConnections, int maxConnectionsPerTenant, int maxSubscriptions,
    int maxSubscriptionsPerTenant)
{
    public static final SessionLimits DEFAULT = new SessionLimits(Configuration.INGEST_MAX_CONNECTIONS_DEFAULT,
        Configuration.INGEST_MAX_CONNECTIONS_PER_TENANT_DEFAULT, Configuration.INGEST_MAX_SUBSCRIPTIONS_DEFAULT,
        Configuration.INGEST_MAX_SUBSCRIPTIONS_PER_TENANT_DEFAULT);

    public static SessionLimits read(final Settings s)
    {
        final int total = Configuration.INGEST_MAX_CONNECTIONS_DEFAULT;
        return new SessionLimits(
            s.integer(Configuration.INGEST_MAX_CONNECTIONS_PROP_NAME, Configuration.INGEST_MAX_CONNECTIONS_DEFAULT, 1,
                total),
            s.integer(Configuration.INGEST_MAX_CONNECTIONS_PER_TENANT_PROP_NAME,
                Configuration.INGEST_MAX_CONNECTIONS_PER_TENANT_DEFAULT, 1, total),
            s.integer(Configuration.INGEST_MAX_SUBSCRIPTIONS_PROP_NAME, Configuration.INGEST_MAX_SUBSCRIPTIONS_DEFAULT,
                0, total),
            s.integer(Configuration.INGEST_MAX_SUBSCRIPTIONS_PER_TENANT_PROP_NAME,
                Configuration.INGEST_MAX_SUBSCRIPTIONS_PER_TENANT_DEFAULT, 0, total));
    }

    public String describe()
    {
        return "connections=" + maxConnections + " perTenant=" + maxConnectionsPerTenant + " subscriptions=" +
            maxSubscriptions + " perTenant=" + maxSubscriptionsPerTenant;
    }
}
