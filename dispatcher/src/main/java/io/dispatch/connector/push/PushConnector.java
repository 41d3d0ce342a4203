package io.dispatch.connector.push;

import io.dispatch.connector.Connector;
import io.dispatch.connector.ConnectorContext;
import io.dispatch.connector.DeliveryCallback;
import io.dispatch.connector.DeliveryRequest;
import io.dispatch.connector.MetricsWriter;
import io.dispatch.protocol.Reason;

/**
 * Routes each send to the APNs or the FCM connector by the recipient's prefix; the chosen connector
 * makes the callback. A recipient with neither prefix is INVALID_RECIPIENT; one for a provider that is
 * not configured is NO_CONNECTOR. Thread-safety as the connectors it holds.
 */
final class PushConnector implements Connector
{
    private static final byte[] APNS = PushRecipient.APNS_PREFIX.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] FCM = PushRecipient.FCM_PREFIX.getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final Connector apns;
    private final Connector fcm;

    PushConnector(final Connector apns, final Connector fcm)
    {
        this.apns = apns;
        this.fcm = fcm;
    }

    @Override
    public String version()
    {
        return "push-1 [apns: " + (apns == null ? "off" : apns.version()) + "] [fcm: " + (fcm == null ? "off" : fcm.version()) + "]";
    }

    @Override
    public void start(final ConnectorContext context) throws Exception
    {
        if (apns != null)
        {
            apns.start(context);
        }
        if (fcm != null)
        {
            try
            {
                fcm.start(context);
            }
            catch (final Exception ex)
            {
                if (apns != null)
                {
                    apns.stop();
                }
                throw ex;
            }
        }
    }

    @Override
    public void send(final DeliveryRequest request, final DeliveryCallback callback)
    {
        // prefix test on the raw bytes: no string per message just to route
        final Connector target =
            request.recipientStartsWith(APNS) ? apns : request.recipientStartsWith(FCM) ? fcm : null;
        if (target != null)
        {
            target.send(request, callback);
        }
        else if (request.recipientStartsWith(APNS) || request.recipientStartsWith(FCM))
        {
            callback.onRejected(request, Reason.NO_CONNECTOR);
        }
        else
        {
            callback.onRejected(request, Reason.INVALID_RECIPIENT);
        }
    }

    /** Each provider writes under its own connector label ({@code apns}, {@code fcm}). */
    @Override
    public void writeMetrics(final MetricsWriter out)
    {
        if (apns != null)
        {
            apns.writeMetrics(out.forConnector("apns"));
        }
        if (fcm != null)
        {
            fcm.writeMetrics(out.forConnector("fcm"));
        }
    }

    @Override
    public void stop()
    {
        try
        {
            if (apns != null)
            {
                apns.stop();
            }
        }
        finally
        {
            if (fcm != null)
            {
                fcm.stop();
            }
        }
    }
}
