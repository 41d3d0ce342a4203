package io.dispatch.connector.smpp;

import org.jsmpp.SMPPConstant;
import org.jsmpp.bean.AlertNotification;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.extra.ProcessRequestException;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.MessageReceiverListener;
import org.jsmpp.session.Session;

/**
 * What the SMSC sends us on a transceiver bind. Delivery receipts go to the {@link ReceiptCorrelator}; mobile
 * originated messages and alerts are acknowledged and dropped (this connector only sends). Called by jSMPP's PDU
 * threads of every bind; thread-safe.
 */
final class ReceiptListener implements MessageReceiverListener
{
    private final ReceiptCorrelator correlator;

    ReceiptListener(final ReceiptCorrelator correlator)
    {
        this.correlator = correlator;
    }

    @Override
    public void onAcceptDeliverSm(final DeliverSm deliverSm)
    {
        if (!deliverSm.isSmscDeliveryReceipt())
        {
            return;
        }
        final DeliveryReceipts.Receipt receipt = DeliveryReceipts.read(deliverSm);
        if (receipt != null)
        {
            correlator.onReceipt(receipt);
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
