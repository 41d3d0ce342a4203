package io.dispatch.connector.smpp;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.dispatch.connector.DeliveryCallback;
import io.dispatch.connector.DeliveryRequest;
import io.dispatch.protocol.Reason;
import org.agrona.concurrent.EpochClock;
import org.jsmpp.InvalidResponseException;
import org.jsmpp.PDUException;
import org.jsmpp.bean.DataCoding;
import org.jsmpp.bean.DataCodings;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.extra.NegativeResponseException;
import org.jsmpp.extra.ResponseTimeoutException;
import org.jsmpp.session.SMPPSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends one message as one or more blocking submit_sm on a bound session and reports exactly one outcome.
 * Runs on a submitting worker; thread-safe (shared are the concatenation reference counter and the unfinished
 * messages, each taken by one worker at a time since the runtime has one attempt of a message in flight).
 * <p>
 * A part the SMSC answered with command_status 0 is never sent again, whatever its message_id (empty, missing):
 * <ul>
 *   <li>A message is accepted once every part is.</li>
 *   <li>A part refused for good ends the message rejected; receipts of the parts already accepted no longer
 *       speak for it.</li>
 *   <li>A part that fails for now (throttled, timed out, bind lost) fails the attempt; when earlier parts were
 *       accepted the message is kept as unfinished, and the runtime's retry sends only the parts still missing,
 *       under the same concatenation reference, so the handset joins them.</li>
 * </ul>
 */
final class SmppSubmitter
{
    private static final Logger LOG = LoggerFactory.getLogger(SmppSubmitter.class);
    private static final int UNFINISHED_CAPACITY = 65_536;
    private static final long MIN_VALIDITY_MS = 60_000;
    private static final long MAX_VALIDITY_MS = 30L * 86_400_000L;
    private static final DataCoding DEFAULT = DataCodings.newInstance(SmsEncoder.DATA_CODING_DEFAULT);
    private static final DataCoding UCS2 = DataCodings.newInstance(SmsEncoder.DATA_CODING_UCS2);
    private static final ESMClass PLAIN = new ESMClass(SmsEncoder.ESM_CLASS_DEFAULT);
    private static final ESMClass UDHI = new ESMClass(SmsEncoder.ESM_CLASS_UDHI);
    private static final OptionalParameter[] NO_TLVS = new OptionalParameter[0];

    private final SmppSettings settings;
    private final ReceiptCorrelator correlator;
    private final EpochClock clock;
    private final RegisteredDelivery registeredDelivery;
    private final AtomicInteger reference = new AtomicInteger();
    private final AtomicLong missingIds = new AtomicLong();
    private final String laneName;
    /** Messages some of whose parts the SMSC accepted before one failed, by message id, until their retry. */
    private final Cache<Long, Progress> unfinished;

    SmppSubmitter(
        final SmppSettings settings, final ReceiptCorrelator correlator, final EpochClock clock, final String laneName)
    {
        this.settings = settings;
        this.laneName = laneName;
        this.unfinished = Caffeine.newBuilder()
            .maximumSize(UNFINISHED_CAPACITY)
            .expireAfterWrite(settings.receiptTrackingTtlMs(), TimeUnit.MILLISECONDS)
            .executor(Runnable::run)
            .build();
        this.correlator = correlator;
        this.clock = clock;
        this.registeredDelivery = new RegisteredDelivery(settings.registeredDelivery());
    }

    void submit(final DeliveryRequest request, final DeliveryCallback callback, final SMPPSession session)
    {
        // nearly always empty: skip the boxed lookup then (the failed attempt's write happened before this retry)
        final Progress resumed = unfinished.estimatedSize() == 0 ? null : unfinished.asMap().remove(request.messageId());
        final String destination = destination(request.recipient());
        if (destination == null)
        {
            reject(request, callback, resumed, Reason.INVALID_RECIPIENT);
            return;
        }
        // a retry after a part-way failure keeps the reference, so the handset joins old and new parts
        final int ref = resumed != null ? resumed.reference : reference.getAndIncrement();
        final SmsEncoder.Encoded sms = SmsEncoder.encode(request.text(), settings.maxParts(), ref,
            !settings.sarConcatenation());
        if (sms == null)
        {
            reject(request, callback, resumed, Reason.PAYLOAD_TOO_LARGE);
            return;
        }
        final byte[][] parts = sms.parts();
        Progress progress = resumed;
        if (progress == null || progress.ids.length != parts.length)
        {
            if (progress != null)
            {
                abandon(progress); // the text no longer splits as it did: a new message to the handset
            }
            progress = new Progress(ref, new ReceiptCorrelator.Tracking(request.messageId(), parts.length));
        }
        final String validity = settings.validityFromTtl() ? validity(request.deadlineMs() - clock.time()) : null;
        final boolean trackReceipts = settings.registeredDelivery() != 0;
        for (int i = 0; i < parts.length; i++)
        {
            if (progress.accepted[i])
            {
                continue; // accepted by an earlier attempt: never sent twice
            }
            final String id;
            try
            {
                id = session.submitShortMessage(settings.serviceType(), settings.sourceTon(), settings.sourceNpi(),
                    settings.sourceAddr(), settings.destTon(), settings.destNpi(), destination,
                    sms.esmClass() == SmsEncoder.ESM_CLASS_UDHI ? UDHI : PLAIN, (byte)0, (byte)0, null, validity, registeredDelivery, (byte)0,
                    sms.dataCoding() == SmsEncoder.DATA_CODING_UCS2 ? UCS2 : DEFAULT, (byte)0, parts[i],
                    sar(sms, parts.length, i)).getMessageId();
            }
            catch (final NegativeResponseException ex)
            {
                final SmppStatusMapping.Outcome outcome = settings.statusMapping().map(ex.getCommandStatus());
                if (outcome.permanent())
                {
                    reject(request, callback, progress, outcome.reason());
                }
                else
                {
                    fail(request, callback, progress, outcome.reason());
                }
                return;
            }
            catch (final ResponseTimeoutException ex)
            {
                // an interrupted wait means the bind dropped under us: the SMSC is gone, not slow
                final boolean lost = Thread.interrupted() || session.getSessionState() == org.jsmpp.extra.SessionState.CLOSED;
                fail(request, callback, progress, lost ? Reason.PROVIDER_UNAVAILABLE : Reason.PROVIDER_TIMEOUT);
                return;
            }
            catch (final IOException | InvalidResponseException ex)
            {
                fail(request, callback, progress, Reason.PROVIDER_UNAVAILABLE);
                return;
            }
            catch (final PDUException ex)
            {
                // a field jSMPP cannot encode; validated settings leave only the message itself
                reject(request, callback, progress, Reason.CONTENT_REJECTED);
                return;
            }
            catch (final RuntimeException ex)
            {
                // a bug: the worker fails the attempt, and its retry must not resend what was accepted before
                keepOrAbandon(request, progress);
                throw ex;
            }
            // command_status 0: the part is the SMSC's now, whatever its id looks like
            progress.accepted[i] = true;
            progress.ids[i] = ProviderIds.isMissing(id) ? "" : id.trim();
            if (progress.ids[i].isEmpty())
            {
                onMissingId();
            }
            else if (trackReceipts)
            {
                correlator.register(progress.ids[i], progress.tracking);
            }
        }
        if (trackReceipts)
        {
            correlator.logAccepted(progress.tracking, progress.ids, clock.time());
        }
        callback.onAccepted(request);
        correlator.arm(progress.tracking);
    }

    /** @return how many messages wait for a retry to send the parts an earlier attempt did not get accepted. */
    long unfinished()
    {
        unfinished.cleanUp();
        return unfinished.estimatedSize();
    }

    /** @return how many accepted parts came without a message id. */
    long missingIds()
    {
        return missingIds.get();
    }

    private void fail(
        final DeliveryRequest request, final DeliveryCallback callback, final Progress progress, final Reason reason)
    {
        keepOrAbandon(request, progress);
        callback.onFailed(request, reason, 0);
    }

    private void keepOrAbandon(final DeliveryRequest request, final Progress progress)
    {
        if (progress.anyAccepted())
        {
            // the runtime retries the message: that attempt sends only the parts still missing
            unfinished.put(request.messageId(), progress);
        }
        else
        {
            abandon(progress);
        }
    }

    private void reject(
        final DeliveryRequest request, final DeliveryCallback callback, final Progress progress, final Reason reason)
    {
        if (progress != null)
        {
            abandon(progress);
        }
        callback.onRejected(request, reason);
    }

    private void onMissingId()
    {
        if (missingIds.getAndIncrement() == 0)
        {
            LOG.warn("event=smpp_submit_resp_without_id lane={} smsc={}:{} (further ones counted, not logged): the SMSC "
                + "accepted a submit_sm without a message_id; the part is not sent again, but its receipt cannot be "
                + "matched, so its message ends by the lane's receipt timeout unless another part fails",
                laneName, settings.host(), settings.port());
        }
    }

    private OptionalParameter[] sar(final SmsEncoder.Encoded sms, final int total, final int index)
    {
        if (total == 1 || !settings.sarConcatenation())
        {
            return NO_TLVS;
        }
        return new OptionalParameter[] {
            new OptionalParameter.Sar_msg_ref_num((short)sms.reference()),
            new OptionalParameter.Sar_total_segments((byte)total),
            new OptionalParameter.Sar_segment_seqnum((byte)(index + 1))};
    }

    /** The message ends without its remaining parts: receipts of those accepted no longer speak for it. */
    private void abandon(final Progress progress)
    {
        progress.tracking.cancel();
        for (final String id : progress.ids)
        {
            if (id != null && !id.isEmpty())
            {
                correlator.forget(id);
            }
        }
    }

    /** What the SMSC accepted of one message so far. */
    private static final class Progress
    {
        final int reference;
        final ReceiptCorrelator.Tracking tracking;
        final boolean[] accepted;
        final String[] ids;

        Progress(final int reference, final ReceiptCorrelator.Tracking tracking)
        {
            this.reference = reference;
            this.tracking = tracking;
            this.accepted = new boolean[tracking.parts];
            this.ids = new String[tracking.parts];
        }

        boolean anyAccepted()
        {
            for (final boolean a : accepted)
            {
                if (a)
                {
                    return true;
                }
            }
            return false;
        }
    }

    /** @return the SMPP destination_addr: digits only (a leading + dropped), 1..20 of them; null when unusable. */
    static String destination(final String recipient)
    {
        final String r = recipient.startsWith("+") ? recipient.substring(1) : recipient;
        if (r.isEmpty() || r.length() > 20)
        {
            return null;
        }
        for (int i = 0; i < r.length(); i++)
        {
            if (r.charAt(i) < '0' || r.charAt(i) > '9')
            {
                return null;
            }
        }
        return r;
    }

    /**
     * @return the SMPP relative validity period ({@code YYMMDDhhmmss000R}) for the time the message has left, so the
     * SMSC drops what would arrive after the message's TTL (a late OTP is worse than none); at least one minute.
     */
    static String validity(final long remainingMs)
    {
        long seconds = Math.min(MAX_VALIDITY_MS, Math.max(MIN_VALIDITY_MS, remainingMs)) / 1000;
        final long days = seconds / 86_400;
        seconds %= 86_400;
        final StringBuilder b = new StringBuilder(16).append("0000");
        two(b, days);
        two(b, seconds / 3600);
        two(b, seconds / 60 % 60);
        two(b, seconds % 60);
        return b.append("000R").toString();
    }

    private static void two(final StringBuilder b, final long value)
    {
        b.append((char)('0' + value / 10)).append((char)('0' + value % 10));
    }
}
