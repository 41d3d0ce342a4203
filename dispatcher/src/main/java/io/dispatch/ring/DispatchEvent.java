package io.dispatch.ring;

/**
 * One pre-allocated slot of the dispatch ring. A slot carries one of three things:
 * <ul>
 *   <li>{@link #SUBMIT}: a message from a client (the raw SUBMIT body is copied into {@link #body});</li>
 *   <li>{@link #STATE}: a batch of state changes reported by a connector lane, packed in {@link #body}
 *       ({@code io.dispatch.journal.StateRecords});</li>
 *   <li>{@link #STATUS_QUERY}: a client's STATUS request, answered by the status stage that owns the table;</li>
 *   <li>{@link #RELEASE}: a deferred message that is due, published by the scheduler;</li>
 *   <li>{@link #CANCEL}: a client's CANCEL of a deferred message, or the scheduler's for a deferred message of a
 *       cancelled campaign (no session to answer);</li>
 *   <li>{@link #CONSENT}: a client's consent or opt-out update (the CONSENT body in {@link #body});</li>
 *   <li>{@link #POLICY_UPDATE}: an operator's runtime rate change from the admin endpoint;</li>
 *   <li>{@link #FALLBACK}: a lane gave a message up for its fallback channel ({@link #channel}), with the trigger
 *       in {@link #reason} and the time in {@link #acceptedAtMs}: the policy stage decides it again there, and
 *       from then on it flows like a {@link #RELEASE}.</li>
 *   <li>{@link #INBOUND}: a user's message or event from a connector ({@code io.dispatch.connector.InboundEvent},
 *       encoded in {@link #body}), with {@link #tenantId}, {@link #channel}, {@link #recipientKey} (tenant and the
 *       sender's address) and the receive time in {@link #acceptedAtMs}: journaled, then seen by the policy stage
 *       (consent, conversation window) and delivered to inbound subscribers.</li>
 * </ul>
 * Fields are written by the publisher before publish and by stages in ring order; every stage reads only
 * what earlier stages wrote. A publisher fills its slot through its translator, which starts with
 * {@link #reset(int)}, so no field keeps the value of the slot's previous event; {@link ClearingHandler}, the last
 * stage, drops the slot's references. {@link #body} grows to the largest message seen and is then reused, so the
 * steady state allocates nothing. See docs/design/ring-topology.md.
 */
public final class DispatchEvent
{
    /** A claimed slot nobody filled (a campaign batch that ended early): every stage skips it. */
    public static final int NOOP = 0;
    public static final int SUBMIT = 1;
    public static final int STATE = 2;
    public static final int STATUS_QUERY = 3;
    public static final int RELEASE = 4;
    public static final int CANCEL = 5;
    public static final int CONSENT = 6;
    public static final int POLICY_UPDATE = 7;
    public static final int FALLBACK = 8;
    public static final int INBOUND = 9;
    /**
     * A receipt after the lane's receipt deadline moved the message on: journaled as evidence only ({@link #channel},
     * {@link #newState} the receipt's state, {@link #reason}, {@link #acceptedAtMs} its time).
     */
    public static final int LATE_RECEIPT = 12;

    /** Outcomes of a SUBMIT, set by the dedup and journal stages. */
    public static final byte OUTCOME_ACCEPTED = 0;
    public static final byte OUTCOME_DUPLICATE = 1;
    public static final byte OUTCOME_JOURNAL_FAILED = 2;
    /** A dry run: decided and explained, never journaled or sent. */
    public static final byte OUTCOME_DRY_RUN = 3;
    /** Refused by a rate limit under a reject policy: NACK RATE_LIMITED, nothing journaled. */
    public static final byte OUTCOME_REFUSED = 4;
    /** A RELEASE for a message no longer deferred (cancelled): nothing to do. */
    public static final byte OUTCOME_IGNORED = 5;
    /** The journal's disk has no room (journal.minFreeBytes): NACK STORAGE_FULL, nothing journaled. */
    public static final byte OUTCOME_STORAGE_FULL = 6;

    /** Answers to CANCEL (wire values of CANCEL_RESULT). */
    public static final byte CANCEL_DONE = 0;
    public static final byte CANCEL_NOT_DEFERRED = 1;
    /** Not a wire value: the id or key names no message of the caller's tenant; answered NACK NOT_FOUND. */
    public static final byte CANCEL_NOT_FOUND = 2;

    private static final int INITIAL_BODY_CAPACITY = 512;

    public int type;
    /** The connection that asked, to answer it; null for a request of the engine's own (campaign, scheduler). */
    public AnswerSink session;
    public int sessionRef;
    public long correlationId;

    // SUBMIT
    public int tenantId;
    public byte kind;
    public byte channel;
    public long keyHash;
    public long acceptedAtMs;
    /** SUBMIT from a session: System.nanoTime() when its frame was read, for the frame-read → ACK histogram. */
    public long readNanos;
    /** Marketing SUBMIT (a session's or a campaign's) or due RELEASE: holds a {@link MarketingShare} slot until the ack. */
    public boolean marketingSlot;
    public byte[] body = new byte[INITIAL_BODY_CAPACITY];
    public int bodyLength;
    public byte outcome;
    /** SUBMIT: the dry-run flag (false on every other type; a RELEASE's rate-limit token is {@link #prepaid}). */
    public boolean dryRun;
    public long sendAtMs;
    /** Hash of (tenant, recipient): the key of the directory and the frequency caps. */
    public long recipientKey;

    /**
     * Campaign messages: the consent flags the directory holds for the recipient on the channel
     * ({@code ConsentFlags}), used instead of the address lookup; -1 for every other message.
     */
    public int consentOverride = -1;
    /** Campaign messages: the campaign's stats slot (1..), 0 for every other message. */
    public int campaignSlot;
    /**
     * Campaign messages: the campaign id (journaled with the message; on RELEASE and the scheduler's CANCEL, kept
     * by the scheduler), 0 otherwise.
     */
    public long campaignId;
    /**
     * Campaign messages: whether the idempotency key must be looked up. Only a fan-out resumed after a restart
     * can meet its own earlier messages; a first run's keys ({@code c<id>/<ordinal>}) are unique by
     * construction, so it skips the dedup index (the largest cost of a campaign message in the ring).
     */
    public boolean campaignResumed;

    /** Content dedup hash, 0 when content dedup is off. */
    public long contentHash;

    // policy decision (SUBMIT and RELEASE), set by the dedup and policy stages: a Decision code
    public byte decision;
    public short reason;
    /** DEFER: when the message is due; journaled as the time of its DEFERRED state. */
    public long dueAtMs;
    public boolean prepaid;
    /** RELEASE: the message's deadline (accepted + TTL). */
    public long deadlineMs;
    /** RELEASE and CANCEL: the state change to journal and report, 0 for none. */
    public byte newState;
    /** Dry-run SUBMIT: the lane's fallback channel, 0 for none, and what a fallback there would be decided now. */
    public byte fallbackChannel;
    public byte fallbackDecision;
    public short fallbackReason;
    /**
     * FALLBACK, and a dry-run SUBMIT's fallback: the directory recipient's phone the fallback goes to instead of the
     * message's address (a u8 length, then the bytes); {@link #readdressed} says whether it is set.
     */
    public final byte[] fallbackAddress = new byte[256];
    public boolean readdressed;
    /**
     * SUBMIT on a channel with a conversation window (set by the policy stage, shown by a dry run): the window's
     * state ({@code io.dispatch.policy.ConversationWindow} STATE_), the user's last message (epoch ms, 0 unknown)
     * and the message tag chosen outside the window (a TAGS code, 0 none).
     */
    public byte windowState;
    public long windowLastMessageMs;
    public byte windowTag;

    // POLICY_UPDATE: channel 0 = the tenant's own rate; tenant 0 = the lane of the channel (its rate only)
    /**
     * POLICY_UPDATE: non-null for a change of frequency caps (of {@link #kind} on {@link #channel}, 0 = across
     * channels) instead of a rate. Every publisher of a POLICY_UPDATE sets it.
     */
    public io.dispatch.policy.CapRules capRules;
    public long ratePerSecond;
    public long rateBurst;
    public int reservedPercent;

    // SUBMIT result, STATE and STATUS_QUERY subject
    public long messageId;

    // STATE
    public int stateCount;
    /**
     * STATE, RELEASE, CANCEL and FALLBACK: the journal index of the record holding the state change(s), set by the
     * journal stage (receipt positions); 0 when it was not journaled.
     */
    public long journalIndex;

    /** INBOUND: the connector's answer, completed by the ack stage (true once journaled); null otherwise. */
    public java.util.concurrent.CompletableFuture<Boolean> inboundAnswer;

    public byte[] ensureBodyCapacity(final int length)
    {
        if (body.length < length)
        {
            body = new byte[Integer.highestOneBit(length - 1) << 1];
        }
        return body;
    }

    /**
     * Makes the slot a fresh event of {@code type}: every field back to its initial value, so a producer sets only
     * the fields of its own type and none is left as the slot's previous event had it. The body and fallback
     * address arrays are kept for reuse (their lengths are zeroed, not their bytes). Every publisher starts here.
     */
    public void reset(final int type)
    {
        this.type = type;
        session = null;
        sessionRef = 0;
        correlationId = 0;
        tenantId = 0;
        kind = 0;
        channel = 0;
        keyHash = 0;
        acceptedAtMs = 0;
        readNanos = 0;
        marketingSlot = false;
        bodyLength = 0;
        outcome = OUTCOME_ACCEPTED;
        dryRun = false;
        sendAtMs = 0;
        recipientKey = 0;
        consentOverride = -1;
        campaignSlot = 0;
        campaignId = 0;
        campaignResumed = false;
        contentHash = 0;
        decision = 0;
        reason = 0;
        dueAtMs = 0;
        prepaid = false;
        deadlineMs = 0;
        newState = 0;
        fallbackChannel = 0;
        fallbackDecision = 0;
        fallbackReason = 0;
        fallbackAddress[0] = 0;
        readdressed = false;
        windowState = 0;
        windowLastMessageMs = 0;
        windowTag = 0;
        capRules = null;
        ratePerSecond = 0;
        rateBurst = 0;
        reservedPercent = 0;
        messageId = 0;
        stateCount = 0;
        journalIndex = 0;
        inboundAnswer = null;
    }

    /**
     * Drops the objects the slot refers to once every stage is done with it, so a slot does not keep a closed
     * session or an answered future reachable until the ring wraps round to it again.
     */
    public void clearReferences()
    {
        session = null;
        inboundAnswer = null;
        capRules = null;
    }
}
