package io.dispatch.stage;

/**
 * Cluster mode: the share of the cluster's partitions this node sends for, so the policy stage enforces that share
 * of each tenant and sender-profile rate ({@code rate × owned / partitions}). Read by the policy stage at every
 * event (one volatile read); it re-applies the rates when {@link #owned()} changed.
 */
public interface RateShare
{
    /** @return the partitions this node owns now (any thread). */
    int owned();

    /** @return the partitions of the cluster topic; fixed for the topic's life. */
    int partitions();
}
