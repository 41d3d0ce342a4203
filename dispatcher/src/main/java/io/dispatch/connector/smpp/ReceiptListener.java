package io.dispatch.connector.smpp;

import io.dispatch.connector.InboundSink;
import org.agrona.concurrent.EpochClock;
import org.jsmpp.SMPPConstant;
import org.jsmpp.bean.AlertNotification;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.extra.ProcessRequestException;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.MessageReceiverListener;
import org.jsmpp.session.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the SMSC sends us on a transceiver bind. Delivery receipts go to the {@link ReceiptCorrelator}; a mobile
 * originated message goes to the engine's inbound path ({@link MobileOriginated}) and is answered only once
 * journaled: deliver_sm_resp ESME_ROK then, ESME_RX_T_APPN (the SMSC retries later) when the engine refused it or
 * did not answer within {@link #MO_ANSWER_TIMEOUT_MS}. Without {@code moTenant} an MO is acknowledged and dropped,
 * logged once. Alerts are acknowledged and dropped. Called by jSMPP's PDU threads of every bind, which wait for
 * the journal here (a few ms; MOs are rare next to receipts); thread-safe.
 */
final class ReceiptListener implements MessageReceiverListener
{
    static final long MO_ANSWER_TIMEOUT_MS = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(ReceiptListener.class);

    private final ReceiptCorrelator correlator;
    private final InboundSink inbound;
    private final String moTenant;
    private final EpochClock clock;
    private final AtomicBoolean droppedLogged = new AtomicBoolean();

    ReceiptListener(final ReceiptCorrelator correlator)
    {
        this(correlator, InboundSink.NONE, "", System::currentTimeMillis);
    }

    ReceiptListener(final ReceiptCorrelator correlator, final InboundSink inbound, final String moTenant,
        final EpochClock clock)
    {
        this.correlator = correlator;
        this.inbound = inbound;
        this.moTenant = moTenant;
        this.clock = clock;
    }

    @Override
    public void onAcceptDeliverSm(final DeliverSm deliverSm) throws ProcessRequestException
    {
        if (!deliverSm.isSmscDeliveryReceipt())
        {
            onMobileOriginated(deliverSm);
            return;
        }
        final DeliveryReceipts.Receipt receipt = DeliveryReceipts.read(deliverSm);
        if (receipt != null)
        {
            correlator.onReceipt(receipt);
        }
    }

    private void onMobileOriginated(final DeliverSm deliverSm) throws ProcessRequestException
    {
        if (moTenant.isEmpty())
        {
            if (droppedLogged.compareAndSet(false, true))
            {
                LOG.warn("event=smpp_mo_dropped from={} effect=\"mobile originated messages are acknowledged and " +
                    "dropped\" fix=\"set lane.sms.connector.moTenant to the tenant they belong to\"",
                    deliverSm.getSourceAddr());
            }
            return;
        }
        boolean journaled;
        try
        {
            journaled = inbound.offer(MobileOriginated.read(deliverSm, moTenant, clock.time()))
                .get(MO_ANSWER_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
        catch (final TimeoutException | ExecutionException | RuntimeException ex)
        {
            journaled = false;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            journaled = false;
        }
        if (!journaled)
        {
            throw new ProcessRequestException("MO not journaled; deliver it again", SMPPConstant.STAT_ESME_RX_T_APPN);
        }
    }

    @Override
    public void onAcceptAlertNotification(final AlertNotification alertNotification)
    {
        // nothing waits for alerts
    }

    @Override
    public DataSmResult onAcceptDataSm(final DataSm dataSm, final Session source) throws ProcessRequestException
    {
        throw new ProcessRequestException("data_sm is not supported by this ESME", SMPPConstant.STAT_ESME_RINVCMDID);
    }
}
