package io.dispatch.connector.smpp;

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

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends one message as one or more blocking submit_sm on a bound session and reports exactly one outcome.
 * Runs on a submitting worker; thread-safe (the only shared state is the concatenation reference counter).
 * <p>
 * A message is accepted once every part is; a part refused, timed out or lost with its bind ends the attempt
 * with that part's outcome, and the receipts of the parts already accepted are no longer mapped to the message
 * (the runtime's retry sends every part again, under a new concatenation reference).
 */
final class SmppSubmitter
{
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

    SmppSubmitter(final SmppSettings settings, final ReceiptCorrelator correlator, final EpochClock clock)
    {
        this.settings = settings;
        this.correlator = correlator;
        this.clock = clock;
        this.registeredDelivery = new RegisteredDelivery(settings.registeredDelivery());
    }

    void submit(final DeliveryRequest request, final DeliveryCallback callback, final SMPPSession session)
    {
        final String destination = destination(request.recipient());
        if (destination == null)
        {
            callback.onRejected(request, Reason.INVALID_RECIPIENT);
            return;
        }
        final SmsEncoder.Encoded sms = SmsEncoder.encode(request.renderText(), settings.maxParts(), reference.getAndIncrement(),
            !settings.sarConcatenation());
        if (sms == null)
        {
            callback.onRejected(request, Reason.PAYLOAD_TOO_LARGE);
            return;
        }
        final byte[][] parts = sms.parts();
        final ReceiptCorrelator.Tracking tracking = new ReceiptCorrelator.Tracking(request.messageId(), parts.length);
        final String[] ids = new String[parts.length];
        final String validity = settings.validityFromTtl() ? validity(request.deadlineMs() - clock.time()) : null;
        final boolean trackReceipts = settings.registeredDelivery() != 0;
        for (int i = 0; i < parts.length; i++)
        {
            try
            {
                ids[i] = session.submitShortMessage(settings.serviceType(), settings.sourceTon(), settings.sourceNpi(),
                    settings.sourceAddr(), settings.destTon(), settings.destNpi(), destination,
                    sms.esmClass() == SmsEncoder.ESM_CLASS_UDHI ? UDHI : PLAIN, (byte)0, (byte)0, null, validity, registeredDelivery, (byte)0,
                    sms.dataCoding() == SmsEncoder.DATA_CODING_UCS2 ? UCS2 : DEFAULT, (byte)0, parts[i],
                    sar(sms, parts.length, i)).getMessageId();
                if (trackReceipts)
                {
                    correlator.register(ids[i], tracking);
                }
            }
            catch (final NegativeResponseException ex)
            {
                abandon(tracking, ids);
                final SmppStatusMapping.Outcome outcome = settings.statusMapping().map(ex.getCommandStatus());
                if (outcome.permanent())
                {
                    callback.onRejected(request, outcome.reason());
                }
                else
                {
                    callback.onFailed(request, outcome.reason(), 0);
                }
                return;
            }
            catch (final ResponseTimeoutException ex)
            {
                abandon(tracking, ids);
                // an interrupted wait means the bind dropped under us: the SMSC is gone, not slow
                final boolean lost = Thread.interrupted() || session.getSessionState() == org.jsmpp.extra.SessionState.CLOSED;
                callback.onFailed(request, lost ? Reason.PROVIDER_UNAVAILABLE : Reason.PROVIDER_TIMEOUT, 0);
                return;
            }
            catch (final IOException | InvalidResponseException ex)
            {
                abandon(tracking, ids);
                callback.onFailed(request, Reason.PROVIDER_UNAVAILABLE, 0);
                return;
            }
            catch (final PDUException ex)
            {
                // a field jSMPP cannot encode; validated settings leave only the message itself
                abandon(tracking, ids);
                callback.onRejected(request, Reason.CONTENT_REJECTED);
                return;
            }
        }
        if (trackReceipts)
        {
            correlator.logAccepted(tracking, ids, clock.time());
        }
        callback.onAccepted(request);
        correlator.arm(tracking);
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

    private void abandon(final ReceiptCorrelator.Tracking tracking, final String[] ids)
    {
        tracking.cancel();
        for (final String id : ids)
        {
            if (id != null)
            {
                correlator.forget(id);
            }
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
