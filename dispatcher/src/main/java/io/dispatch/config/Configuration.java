package io.dispatch.config;

/**
 * Property names and defaults of the engine. Every key is documented in {@code docs/configuration.md};
 * a test checks that each constant here appears there.
 */
public final class Configuration
{
    public static final String INGEST_HOST_PROP_NAME = "ingest.host";
    public static final String INGEST_HOST_DEFAULT = "127.0.0.1";
    public static final String INGEST_PORT_PROP_NAME = "ingest.port";
    public static final int INGEST_PORT_DEFAULT = 7700;
    public static final String INGEST_IO_THREADS_PROP_NAME = "ingest.ioThreads";
    public static final int INGEST_IO_THREADS_DEFAULT = 1;
    public static final String INGEST_INITIAL_CREDIT_PROP_NAME = "ingest.initialCredit";
    public static final int INGEST_INITIAL_CREDIT_DEFAULT = 8192;
    public static final String INGEST_MAX_FRAME_LENGTH_PROP_NAME = "ingest.maxFrameLength";
    public static final int INGEST_MAX_FRAME_LENGTH_DEFAULT = 1 << 20;
    public static final String INGEST_RECEIPT_BUFFER_PROP_NAME = "ingest.receiptBufferRecords";
    public static final int INGEST_RECEIPT_BUFFER_DEFAULT = 65536;
    /** Connections of all tenants together: each may grow an answer queue to about 1 MiB of direct memory. */
    public static final String INGEST_MAX_CONNECTIONS_PROP_NAME = "ingest.maxConnections";
    /** Also the most there can be: the session registry has 4096 slots, slot 0 unused. */
    public static final int INGEST_MAX_CONNECTIONS_DEFAULT = 4095;
    public static final String INGEST_MAX_CONNECTIONS_PER_TENANT_PROP_NAME = "ingest.maxConnectionsPerTenant";
    public static final int INGEST_MAX_CONNECTIONS_PER_TENANT_DEFAULT = 1024;
    /** Receipt subscriptions (connections that sent SUBSCRIBE): each may grow a receipt buffer to 4 MiB by default. */
    public static final String INGEST_MAX_SUBSCRIPTIONS_PROP_NAME = "ingest.maxSubscriptions";
    public static final int INGEST_MAX_SUBSCRIPTIONS_DEFAULT = 1024;
    public static final String INGEST_MAX_SUBSCRIPTIONS_PER_TENANT_PROP_NAME = "ingest.maxSubscriptionsPerTenant";
    public static final int INGEST_MAX_SUBSCRIPTIONS_PER_TENANT_DEFAULT = 256;
    /** PEM certificate chain of the protocol port; set = TLS on (docs/security.md). */
    public static final String INGEST_TLS_CERT_FILE_PROP_NAME = "ingest.tls.certFile";
    /** PEM PKCS#8 private key of {@link #INGEST_TLS_CERT_FILE_PROP_NAME}. */
    public static final String INGEST_TLS_KEY_FILE_PROP_NAME = "ingest.tls.keyFile";
    /** PEM CAs of client certificates; set = mutual TLS required. */
    public static final String INGEST_TLS_CLIENT_CA_FILE_PROP_NAME = "ingest.tls.clientCaFile";
    public static final String INGEST_TLS_RELOAD_CHECK_MS_PROP_NAME = "ingest.tls.reloadCheckMs";
    public static final long INGEST_TLS_RELOAD_CHECK_MS_DEFAULT = 10_000;
    /** Failed HELLOs one source address may make before it is throttled (docs/security.md). */
    public static final String INGEST_AUTH_FAILURE_BURST_PROP_NAME = "ingest.authFailureBurst";
    public static final int INGEST_AUTH_FAILURE_BURST_DEFAULT = 5;
    /** Once throttled, an address may try once per this interval. */
    public static final String INGEST_AUTH_FAILURE_INTERVAL_MS_PROP_NAME = "ingest.authFailureIntervalMs";
    public static final int INGEST_AUTH_FAILURE_INTERVAL_MS_DEFAULT = 1000;
    /** Source addresses the failure table remembers; the least recently failing one is forgotten beyond it. */
    public static final String INGEST_AUTH_FAILURE_ADDRESSES_PROP_NAME = "ingest.authFailureAddresses";
    public static final int INGEST_AUTH_FAILURE_ADDRESSES_DEFAULT = 16384;

    public static final String ADMIN_PORT_PROP_NAME = "admin.port";
    public static final int ADMIN_PORT_DEFAULT = 7701;
    public static final String ADMIN_HOST_PROP_NAME = "admin.host";
    public static final String ADMIN_HOST_DEFAULT = "127.0.0.1";
    /** Bearer token of the admin port's protected endpoints; none on loopback = generated into the data dir. */
    public static final String ADMIN_TOKEN_PROP_NAME = "admin.token";
    /** Names an environment variable holding the admin token, so the secret need not sit in the file. */
    public static final String ADMIN_TOKEN_ENV_PROP_NAME = "admin.tokenEnv";
    /** PEM certificate chain of the admin port; set = HTTPS (docs/monitoring.md). */
    public static final String ADMIN_TLS_CERT_FILE_PROP_NAME = "admin.tls.certFile";
    /** PEM PKCS#8 private key of {@link #ADMIN_TLS_CERT_FILE_PROP_NAME}. */
    public static final String ADMIN_TLS_KEY_FILE_PROP_NAME = "admin.tls.keyFile";

    /** On SIGTERM/SIGINT, how long provider calls already made may take to finish before the engine exits. */
    public static final String SHUTDOWN_DRAIN_MS_PROP_NAME = "shutdown.drainMs";
    public static final long SHUTDOWN_DRAIN_MS_DEFAULT = 10_000;

    public static final String DATA_DIR_PROP_NAME = "data.dir";
    public static final String DATA_DIR_DEFAULT = "./data";
    public static final String JOURNAL_FSYNC_PROP_NAME = "journal.fsync";
    public static final String JOURNAL_FSYNC_DEFAULT = "none";
    public static final String JOURNAL_ROLL_CYCLE_PROP_NAME = "journal.rollCycle";
    public static final String JOURNAL_ROLL_CYCLE_DEFAULT = "FAST_DAILY";
    public static final String JOURNAL_MIN_FREE_BYTES_PROP_NAME = "journal.minFreeBytes";
    /** 256 MiB: four Chronicle blocks (64 MiB each); the reserve for state changes (docs/design/disk-safety.md). */
    public static final long JOURNAL_MIN_FREE_BYTES_DEFAULT = 256L << 20;
    public static final String JOURNAL_PRETOUCH_BYTES_PROP_NAME = "journal.pretouchBytes";
    /**
     * 4 MiB: at 50,000 messages/s the journal grows about 8 MiB/s, so the pages of the next half second are touched
     * (docs/design/journal-pretouch.md). The reservation ahead of the appender (4 to 12 MiB) bounds it too.
     */
    public static final long JOURNAL_PRETOUCH_BYTES_DEFAULT = 4L << 20;
    public static final long JOURNAL_PRETOUCH_BYTES_MAX = 64L << 20;
    public static final String JOURNAL_SNAPSHOT_INTERVAL_SECONDS_PROP_NAME = "journal.snapshotIntervalSeconds";
    public static final long JOURNAL_SNAPSHOT_INTERVAL_SECONDS_DEFAULT = 900;
    public static final String JOURNAL_RETENTION_DAYS_PROP_NAME = "journal.retentionDays";
    public static final int JOURNAL_RETENTION_DAYS_DEFAULT = 30;

    public static final String RING_SIZE_PROP_NAME = "ring.size";
    public static final int RING_SIZE_DEFAULT = 65536;
    public static final String RING_WAIT_STRATEGY_PROP_NAME = "ring.waitStrategy";
    public static final String RING_WAIT_STRATEGY_DEFAULT = "blocking";
    public static final String RING_CONSUMER_THREADS_PROP_NAME = "ring.consumerThreads";
    public static final int RING_CONSUMER_THREADS_DEFAULT = 1;
    public static final String RING_HIGH_WATER_PERCENT_PROP_NAME = "ring.highWaterPercent";
    public static final int RING_HIGH_WATER_PERCENT_DEFAULT = 50;
    public static final String RING_MARKETING_SLOTS_PROP_NAME = "ring.marketingSlots";
    /**
     * Ring slots marketing (clients' SUBMITs, campaigns, due deferred marketing) may hold until the ack stage: about
     * 3 ms of the ring's work at 300,000 msg/s, so that is the most an OTP or a notice waits behind marketing in the
     * ring (docs/design/class-isolation.md).
     */
    public static final int RING_MARKETING_SLOTS_DEFAULT = 1024;

    public static final String DEDUP_HORIZON_HOURS_PROP_NAME = "dedup.horizonHours";
    public static final int DEDUP_HORIZON_HOURS_DEFAULT = 24;
    public static final String STATUS_CAPACITY_PROP_NAME = "status.capacity";
    public static final int STATUS_CAPACITY_DEFAULT = 1 << 21;
    public static final String MESSAGE_DEFAULT_TTL_PROP_NAME = "message.defaultTtlSeconds";
    public static final int MESSAGE_DEFAULT_TTL_DEFAULT = 86_400;

    public static final String DEDUP_CONTENT_WINDOW_SECONDS_PROP_NAME = "dedup.contentWindowSeconds";
    public static final int DEDUP_CONTENT_WINDOW_SECONDS_DEFAULT = 0;

    /** {@code policy.night.<channel>=HH:MM-HH:MM}: the advertising night window of a channel. */
    public static final String POLICY_NIGHT_PREFIX = "policy.night.";
    public static final String POLICY_NIGHT_DEFAULT = "21:00-08:00";
    /** {@code policy.blackout.<channel>=HH:MM-HH:MM|off}: a provider's ad block that no consent lifts. */
    public static final String POLICY_BLACKOUT_PREFIX = "policy.blackout.";
    /** Kakao blocks ad sends from 20:50 (DOMAIN.md §5.2). */
    public static final String POLICY_NIGHT_CHAT_DEFAULT = "20:50-08:00";
    /**
     * {@code policy.window.<channel>.hours}: the conversation window, hours after the user's last message in which
     * business messages may go untagged (Messenger's 24 h); 0 = no window rule on the channel.
     */
    public static final String POLICY_WINDOW_PREFIX = "policy.window.";
    public static final String POLICY_WINDOW_HOURS = "hours";
    public static final int POLICY_WINDOW_MESSENGER_HOURS_DEFAULT = 24;
    /** {@code policy.adMarking.<channel>=add|validate|off}: the (광고) prefix and opt-out footer rule. */
    public static final String POLICY_AD_MARKING_PREFIX = "policy.adMarking.";
    public static final String POLICY_AD_MARKING_DEFAULT = "add";
    /** Kakao Brand Message renders the (광고) marking itself. */
    public static final String POLICY_AD_MARKING_CHAT_DEFAULT = "off";
    /** Directory ops applied between two snapshots of the recipient directory (also written at shutdown). */
    public static final String DIRECTORY_SNAPSHOT_EVERY_OPS_PROP_NAME = "directory.snapshotEveryOps";
    public static final long DIRECTORY_SNAPSHOT_EVERY_OPS_DEFAULT = 5_000_000L;
    /** Recipients of all tenants together beyond which ops adding one are refused; 0 = max heap / 450 B. */
    public static final String DIRECTORY_MAX_RECIPIENTS_PROP_NAME = "directory.maxRecipients";

    public static final String SCHEDULE_MAX_AHEAD_DAYS_PROP_NAME = "schedule.maxAheadDays";
    public static final int SCHEDULE_MAX_AHEAD_DAYS_DEFAULT = 60;

    public static final String TENANTS_PROP_NAME = "tenants";
    public static final String TENANTS_DEFAULT = "demo";
    /** {@code tenant.<name>.apiKey}; the key may also come from the environment variable it names. */
    public static final String TENANT_PREFIX = "tenant.";
    /** {@code tenant.<name>.id}: pins the tenant's id; checked against {@code <data.dir>/tenant-ids}. */
    public static final String TENANT_ID = "id";
    /** The tenant's API key, plain or hashed ({@link ApiKey}); {@code <key>Env} names an environment variable instead. */
    public static final String TENANT_API_KEY = "apiKey";
    /** A second key valid at the same time, for rotation. */
    public static final String TENANT_API_KEY_NEXT = "apiKeyNext";
    public static final String TEMPLATE_PREFIX = "template.";
    /** Policy keys under {@code tenant.<name>.} (docs/policies.md). */
    public static final String TENANT_TIME_ZONE = "timeZone";
    public static final String TENANT_TIME_ZONE_DEFAULT = "Asia/Seoul";
    public static final String TENANT_RATE_PER_SECOND = "rate.perSecond";
    public static final String TENANT_RATE_BURST = "rate.burst";
    public static final String TENANT_RATE_RESERVED_PERCENT = "rate.reservedPercent";
    public static final int TENANT_RATE_RESERVED_PERCENT_DEFAULT = 20;
    /** {@code tenant.<name>.rate.<channel>.perSecond}: the sender-profile limit of a channel. */
    public static final String TENANT_RATE_CHANNEL = "rate.<channel>.perSecond";
    public static final String TENANT_RATE_MARKETING = "rate.marketing";
    /** {@code tenant.<name>.cap.<class>[.<channel>]=1/24h,3/7d}. */
    public static final String TENANT_CAP = "cap.<class>[.<channel>]";
    public static final String TENANT_NIGHT = "night";
    public static final String TENANT_CONSENT_REQUIRED = "consentRequired";
    public static final String TENANT_OPT_OUT_FOOTER = "optOutFooter";
    /** The demo tenant's footer when none is configured, like its default API key: the tour works as is. */
    public static final String TENANT_OPT_OUT_FOOTER_DEMO_DEFAULT = "무료수신거부 080-000-0000";
    /** Used when the configuration defines no template, so the embedded default has examples to send. */
    public static final java.util.Map<String, String> DEFAULT_TEMPLATES = java.util.Map.of(
        "order-shipped", "[#{shop}] 주문하신 상품이 발송되었습니다. 송장번호 #{tracking}",
        "otp", "[#{service}] 인증번호 [#{code}]를 입력해 주세요.",
        "promo", "(광고)[#{shop}] #{offer} 무료수신거부 080-000-0000");

    /** {@code lane.<channel>.<key>}: one lane per channel. */
    public static final String LANE_PREFIX = "lane.";
    public static final String LANE_CONNECTOR = "connector";
    public static final String LANE_CONNECTOR_DEFAULT = "simulated";
    public static final String LANE_WINDOW = "window";
    public static final int LANE_WINDOW_DEFAULT = 1024;
    public static final String LANE_CAPACITY = "capacity";
    public static final int LANE_CAPACITY_DEFAULT = 1 << 18;
    public static final String LANE_MAX_ATTEMPTS = "maxAttempts";
    public static final int LANE_MAX_ATTEMPTS_DEFAULT = 5;
    public static final String LANE_RETRY_BASE_MS = "retryBaseMs";
    public static final long LANE_RETRY_BASE_MS_DEFAULT = 200;
    public static final String LANE_RETRY_MAX_MS = "retryMaxMs";
    public static final long LANE_RETRY_MAX_MS_DEFAULT = 30_000;
    public static final String LANE_RECEIPT_TIMEOUT_MS = "receiptTimeoutMs";
    public static final long LANE_RECEIPT_TIMEOUT_MS_DEFAULT = 90_000_000L;
    public static final String LANE_IDLE = "idleStrategy";
    public static final String LANE_IDLE_DEFAULT = "backoff";

    // Runtime around every connector (docs/connectors.md "Runtime"): rate, priority share, throttling,
    // circuit breaker, fallback and dead letters.
    public static final String LANE_RATE_PER_SECOND = "ratePerSecond";
    /** 0 = no rate limit (only the window bounds the lane). */
    public static final long LANE_RATE_PER_SECOND_DEFAULT = 0;
    public static final String LANE_RATE_BURST = "rateBurst";
    /** 0 = a tenth of a second's worth of the rate, at least 1. */
    public static final long LANE_RATE_BURST_DEFAULT = 0;
    public static final String LANE_RESERVED_PERCENT = "reservedPercent";
    public static final int LANE_RESERVED_PERCENT_DEFAULT = 20;
    /**
     * Per-recipient order (docs/design/per-recipient-order.md): false keeps auth messages in order only among
     * themselves, so an OTP never waits behind an informational message's retries; true orders them together.
     */
    public static final String LANE_ORDER_AUTH_WITH_INFORMATIONAL = "orderAuthWithInformational";
    public static final boolean LANE_ORDER_AUTH_WITH_INFORMATIONAL_DEFAULT = false;
    public static final String LANE_THROTTLE_CUT_PERCENT = "throttleCutPercent";
    public static final int LANE_THROTTLE_CUT_PERCENT_DEFAULT = 50;
    public static final String LANE_THROTTLE_FLOOR_PERCENT = "throttleFloorPercent";
    public static final int LANE_THROTTLE_FLOOR_PERCENT_DEFAULT = 5;
    public static final String LANE_THROTTLE_RECOVERY_PERCENT_PER_SECOND = "throttleRecoveryPercentPerSecond";
    public static final int LANE_THROTTLE_RECOVERY_PERCENT_PER_SECOND_DEFAULT = 10;
    public static final String LANE_THROTTLE_PAUSE_MS = "throttlePauseMs";
    public static final long LANE_THROTTLE_PAUSE_MS_DEFAULT = 250;
    public static final String LANE_BREAKER_ENABLED = "breakerEnabled";
    public static final boolean LANE_BREAKER_ENABLED_DEFAULT = true;
    public static final String LANE_BREAKER_FAILURE_PERCENT = "breakerFailurePercent";
    public static final int LANE_BREAKER_FAILURE_PERCENT_DEFAULT = 50;
    public static final String LANE_BREAKER_MIN_CALLS = "breakerMinCalls";
    public static final int LANE_BREAKER_MIN_CALLS_DEFAULT = 50;
    public static final String LANE_BREAKER_CONSECUTIVE_FAILURES = "breakerConsecutiveFailures";
    public static final int LANE_BREAKER_CONSECUTIVE_FAILURES_DEFAULT = 25;
    public static final String LANE_BREAKER_WINDOW_MS = "breakerWindowMs";
    public static final long LANE_BREAKER_WINDOW_MS_DEFAULT = 10_000;
    public static final String LANE_BREAKER_OPEN_MS = "breakerOpenMs";
    public static final long LANE_BREAKER_OPEN_MS_DEFAULT = 5_000;
    public static final String LANE_FALLBACK = "fallback";
    /** Empty: no fallback. Otherwise a channel name (sms, push, chat, talktalk, messenger). */
    public static final String LANE_FALLBACK_DEFAULT = "";
    public static final String LANE_FALLBACK_REASONS = "fallbackReasons";
    public static final String LANE_FALLBACK_REASONS_DEFAULT = "NOT_CHANNEL_USER";
    public static final String LANE_FALLBACK_AFTER_MS = "fallbackAfterMs";
    /** 0 = no deadline fallback. */
    public static final long LANE_FALLBACK_AFTER_MS_DEFAULT = 0;
    public static final String LANE_FALLBACK_UNDELIVERED_MS = "fallbackUndeliveredMs";
    /** 0 = off; else fall back when no DELIVERED receipt came within this many ms of provider acceptance. */
    public static final long LANE_FALLBACK_UNDELIVERED_MS_DEFAULT = 0;
    public static final String LANE_DEAD_LETTER_BUFFER = "deadLetterBuffer";
    public static final int LANE_DEAD_LETTER_BUFFER_DEFAULT = 1024;

    private Configuration()
    {
    }
}
