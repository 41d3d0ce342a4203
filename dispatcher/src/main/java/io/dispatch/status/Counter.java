package io.dispatch.status;

import io.dispatch.protocol.Reason;

/** Engine counters with stable ids and the names exported on {@code /metrics}. Never renumber. */
public enum Counter
{
    CONNECTIONS_OPENED(0, "dispatch_connections_opened_total",
        "client connections accepted on the protocol port"),
    AUTH_FAILURES(1, "dispatch_auth_failures_total",
        "HELLOs refused AUTH_FAILED (unknown tenant or wrong API key)"),
    FRAMES_RECEIVED(2, "dispatch_frames_received_total",
        "protocol frames received from clients"),
    PROTOCOL_ERRORS(3, "dispatch_protocol_errors_total",
        "frames answered with a protocol ERROR"),
    SUBMITS_RECEIVED(4, "dispatch_submits_received_total",
        "SUBMIT requests received"),
    SUBMITS_NACKED(5, "dispatch_submits_nacked_total",
        "SUBMIT requests answered with a NACK"),
    BACKPRESSURE_NACKS(6, "dispatch_backpressure_nacks_total",
        "NACKs because the ring or a lane was full"),
    ACKED(7, "dispatch_acked_total",
        "messages journaled and acknowledged to the client"),
    DUPLICATES(8, "dispatch_duplicates_total",
        "submits answered as duplicates of an earlier message"),
    JOURNAL_RECORDS(9, "dispatch_journal_records_total",
        "records appended to the journal"),
    JOURNAL_FAILURES(10, "dispatch_journal_failures_total",
        "journal appends that failed"),
    DISPATCHED(11, "dispatch_dispatched_total",
        "messages handed to a connector lane"),
    PROVIDER_ACCEPTED(12, "dispatch_provider_accepted_total",
        "messages a provider accepted"),
    DELIVERED(13, "dispatch_delivered_total",
        "messages with a delivered receipt"),
    REJECTED(14, "dispatch_rejected_total",
        "messages ended REJECTED (permanent refusal)"),
    RETRIES(15, "dispatch_retries_total",
        "transitions to RETRYING after a transient failure"),
    FAILED(16, "dispatch_failed_total",
        "messages ended FAILED"),
    EXPIRED(17, "dispatch_expired_total",
        "messages ended EXPIRED (time to live passed)"),
    RECEIPTS_SENT(18, "dispatch_receipts_sent_total",
        "delivery receipts pushed to subscribed clients"),
    RECEIPTS_DROPPED(19, "dispatch_receipts_dropped_total",
        "receipts dropped because a client did not read them fast enough"),
    RECOVERED_REDISPATCHED(20, "dispatch_recovered_redispatched_total",
        "messages dispatched again after a restart"),
    STATUS_QUERIES(21, "dispatch_status_queries_total",
        "STATUS requests answered"),
    INTERNAL_ERRORS(23, "dispatch_internal_errors_total",
        "unexpected internal errors (each distinct one is logged once)"),
    LATE_RECEIPTS(24, "dispatch_late_receipts_ignored_total",
        "receipts for messages already ended, ignored"),
    // policy decisions (docs/policies.md)
    POLICY_SCHEDULED(25, "dispatch_policy_scheduled_total",
        "messages deferred to their send-at time"),
    POLICY_NIGHT_DEFERRED(26, "dispatch_policy_night_deferred_total",
        "advertising deferred out of the night window"),
    POLICY_RATE_DEFERRED(27, "dispatch_policy_rate_limited_deferred_total",
        "messages deferred by a tenant rate limit"),
    POLICY_RATE_REFUSED(28, "dispatch_policy_rate_limited_refused_total",
        "messages refused by a tenant rate limit"),
    POLICY_CAPPED(29, "dispatch_policy_frequency_capped_total",
        "messages suppressed by a frequency cap"),
    POLICY_NO_CONSENT(30, "dispatch_policy_no_consent_total",
        "advertising suppressed for lack of consent"),
    POLICY_NO_NIGHT_CONSENT(31, "dispatch_policy_no_night_consent_total",
        "night advertising suppressed for lack of night consent"),
    POLICY_OPTED_OUT(32, "dispatch_policy_opted_out_total",
        "messages suppressed because the recipient opted out"),
    POLICY_BLACKOUT_SUPPRESSED(33, "dispatch_policy_blackout_suppressed_total",
        "advertising suppressed in a provider blackout window"),
    POLICY_EXPIRED(34, "dispatch_policy_expired_total",
        "deferred messages that expired before release"),
    POLICY_CANCELLED(35, "dispatch_policy_cancelled_total",
        "deferred messages cancelled"),
    POLICY_RELEASED(36, "dispatch_policy_released_total",
        "deferred messages released to dispatch"),
    POLICY_DRY_RUNS(37, "dispatch_policy_dry_runs_total",
        "policy dry runs answered"),
    CONSENT_UPDATES(38, "dispatch_consent_updates_total",
        "consent updates applied"),
    // disk safety (docs/design/disk-safety.md)
    STORAGE_FULL_NACKS(39, "dispatch_storage_full_nacks_total",
        "requests NACKed STORAGE_FULL: the journal's disk below journal.minFreeBytes or without room"),
    JOURNAL_NO_SPACE(40, "dispatch_journal_no_space_total",
        "journal records refused because the disk had no room for them"),
    // credentials (docs/security.md)
    AUTH_THROTTLED(41, "dispatch_auth_throttled_total",
        "HELLOs refused without checking the key: their address failed too often, or too many keys wait to be hashed"),
    // conversation window (docs/policies.md); numbered apart from the ids other branches of this release add
    POLICY_WINDOW_SUPPRESSED(58, "dispatch_policy_window_suppressed_total",
        "messages suppressed outside the conversation window (marketing, or no message tag for the template)");

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
        BY_REASON[Reason.OUTSIDE_CONVERSATION_WINDOW.code()] = POLICY_WINDOW_SUPPRESSED;
    }

    /** @return the counter of a policy decision's reason, or null. */
    public static Counter forReason(final int reason)
    {
        return reason >= 0 && reason < BY_REASON.length ? BY_REASON[reason] : null;
    }

    private final int id;
    private final String metricName;
    private final String help;

    Counter(final int id, final String metricName, final String help)
    {
        this.id = id;
        this.metricName = metricName;
        this.help = help;
    }

    public int id()
    {
        return id;
    }

    public String metricName()
    {
        return metricName;
    }

    /** @return the family's {@code # HELP} text. */
    public String help()
    {
        return help;
    }
}
