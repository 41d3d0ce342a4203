package io.dispatch.status;

/** Engine counters with stable ids and the names exported on {@code /metrics}. Never renumber. */
public enum Counter
{
    CONNECTIONS_OPENED(0, "dispatch_connections_opened_total"),
    AUTH_FAILURES(1, "dispatch_auth_failures_total"),
    FRAMES_RECEIVED(2, "dispatch_frames_received_total"),
    PROTOCOL_ERRORS(3, "dispatch_protocol_errors_total"),
    SUBMITS_RECEIVED(4, "dispatch_submits_received_total"),
    SUBMITS_NACKED(5, "dispatch_submits_nacked_total"),
    BACKPRESSURE_NACKS(6, "dispatch_backpressure_nacks_total"),
    ACKED(7, "dispatch_acked_total"),
    DUPLICATES(8, "dispatch_duplicates_total"),
    JOURNAL_RECORDS(9, "dispatch_journal_records_total"),
    JOURNAL_FAILURES(10, "dispatch_journal_failures_total"),
    DISPATCHED(11, "dispatch_dispatched_total"),
    PROVIDER_ACCEPTED(12, "dispatch_provider_accepted_total"),
    DELIVERED(13, "dispatch_delivered_total"),
    REJECTED(14, "dispatch_rejected_total"),
    RETRIES(15, "dispatch_retries_total"),
    FAILED(16, "dispatch_failed_total"),
    EXPIRED(17, "dispatch_expired_total"),
    RECEIPTS_SENT(18, "dispatch_receipts_sent_total"),
    RECEIPTS_DROPPED(19, "dispatch_receipts_dropped_total"),
    RECOVERED_REDISPATCHED(20, "dispatch_recovered_redispatched_total"),
    STATUS_QUERIES(21, "dispatch_status_queries_total"),
    INTERNAL_ERRORS(23, "dispatch_internal_errors_total"),
    LATE_RECEIPTS(24, "dispatch_late_receipts_ignored_total");

    private final int id;
    private final String metricName;

    Counter(final int id, final String metricName)
    {
        this.id = id;
        this.metricName = metricName;
    }

    public int id()
    {
        return id;
    }

    public String metricName()
    {
        return metricName;
    }
}
