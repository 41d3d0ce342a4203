package io.dispatch.status;

import io.dispatch.protocol.Reason;

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
    LATE_RECEIPTS(24, "dispatch_late_receipts_ignored_total"),
    // policy decisions (docs/policies.md)
    POLICY_SCHEDULED(25, "dispatch_policy_scheduled_total"),
    POLICY_NIGHT_DEFERRED(26, "dispatch_policy_night_deferred_total"),
    POLICY_RATE_DEFERRED(27, "dispatch_policy_rate_limited_deferred_total"),
    POLICY_RATE_REFUSED(28, "dispatch_policy_rate_limited_refused_total"),
    POLICY_CAPPED(29, "dispatch_policy_frequency_capped_total"),
    POLICY_NO_CONSENT(30, "dispatch_policy_no_consent_total"),
    POLICY_NO_NIGHT_CONSENT(31, "dispatch_policy_no_night_consent_total"),
    POLICY_OPTED_OUT(32, "dispatch_policy_opted_out_total"),
    POLICY_BLACKOUT_SUPPRESSED(33, "dispatch_policy_blackout_suppressed_total"),
    POLICY_EXPIRED(34, "dispatch_policy_expired_total"),
    POLICY_CANCELLED(35, "dispatch_policy_cancelled_total"),
    POLICY_RELEASED(36, "dispatch_policy_released_total"),
    POLICY_DRY_RUNS(37, "dispatch_policy_dry_runs_total"),
    CONSENT_UPDATES(38, "dispatch_consent_updates_total");

    private static final Counter[] BY_REASON = new Counter[64];

    static
    {
        BY_REASON[Reason.SCHEDULED.code()] = POLICY_SCHEDULED;
        BY_REASON[Reason.NIGHT_WINDOW.code()] = POLICY_NIGHT_DEFERRED;
        BY_REASON[Reason.RATE_LIMITED.code()] = POLICY_RATE_DEFERRED;
        BY_REASON[Reason.FREQUENCY_CAPPED.code()] = POLICY_CAPPED;
        BY_REASON[Reason.NO_CONSENT.code()] = POLICY_NO_CONSENT;
        BY_REASON[Reason.NO_NIGHT_CONSENT.code()] = POLICY_NO_NIGHT_CONSENT;
        BY_REASON[Reason.OPTED_OUT.code()] = POLICY_OPTED_OUT;
        BY_REASON[Reason.OUTSIDE_SEND_WINDOW.code()] = POLICY_BLACKOUT_SUPPRESSED;
    }

    /** @return the counter of a policy decision's reason, or null. */
    public static Counter forReason(final int reason)
    {
        return reason >= 0 && reason < BY_REASON.length ? BY_REASON[reason] : null;
    }

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
