package io.dispatch.connector.smpp;

import org.agrona.concurrent.EpochClock;
import org.jsmpp.bean.InterfaceVersion;
import org.jsmpp.extra.NegativeResponseException;
import org.jsmpp.extra.SessionState;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.MessageReceiverListener;
import org.jsmpp.session.SMPPSession;
import org.jsmpp.session.Session;
import org.jsmpp.session.SessionStateListener;
import org.jsmpp.session.connection.socket.SocketConnection;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.function.BiConsumer;

/**
 * One SMPP bind: a jSMPP session that its binder thread (re)connects with exponential backoff and that the
 * submitting workers share. A dropped session is never reused; the next attempt opens a new one.
 * <p>
 * Threading: {@link #connect} and {@link #due} on the bind's own binder thread, {@link #close} on the lane thread
 * at stop; {@link #session()} from any thread; jSMPP calls {@link SessionStateListener} from its reader thread.
 */
final class SmppBind implements SessionStateListener
{
    /** The result of a bind attempt. */
    static final int BOUND = 0;
    static final int IO_FAILURE = -1;

    private final int index;
    private final SmppSettings settings;
    private final MessageReceiverListener receiver;
    private final BiConsumer<SmppBind, Session> onDown;
    private final EpochClock clock;
    private final Object boundSignal = new Object();
    private volatile SMPPSession session;
    private long backoffMs;
    private volatile long nextAttemptMs;
    private volatile String lastFailure = "";
    private volatile boolean closed;
    // the session being bound and the thread waiting for its bind_resp; guarded by this
    private SMPPSession connecting;
    private Thread binder;
    private volatile boolean hungUp;

    SmppBind(
        final int index,
        final SmppSettings settings,
        final MessageReceiverListener receiver,
        final BiConsumer<SmppBind, Session> onDown,
        final EpochClock clock)
    {
        this.index = index;
        this.clock = clock;
        this.settings = settings;
        this.receiver = receiver;
        this.onDown = onDown;
        this.backoffMs = settings.reconnectInitialMs();
    }

    int index()
    {
        return index;
    }

    /** @return the bound session, or null while it is down. */
    SMPPSession session()
    {
        final SMPPSession s = session;
        return s != null && s.getSessionState().isBound() ? s : null;
    }

    boolean due(final long nowMs)
    {
        return session() == null && nowMs >= nextAttemptMs;
    }

    String lastFailure()
    {
        return lastFailure;
    }

    /**
     * Opens a new session and binds, blocking up to {@code bindTimeoutMs}. On failure the next attempt is scheduled
     * with doubled backoff (capped at {@code reconnectMaxMs}).
     *
     * @return {@link #BOUND}, {@link #IO_FAILURE}, or the bind_resp command_status the SMSC refused the bind with.
     */
    int connect(final long nowMs)
    {
        // jSMPP's own factory connects without a timeout: a black-holed SMSC would hold the binder for minutes
        final SMPPSession s = new SMPPSession((host, port) ->
        {
            final Socket socket = new Socket();
            socket.connect(new InetSocketAddress(host, port), (int)settings.bindTimeoutMs());
            return new SocketConnection(socket);
        });
        s.setEnquireLinkTimer((int)settings.enquireLinkMs());
        s.setTransactionTimer(settings.requestTimeoutMs());
        // responses and receipts queue here while the PDU threads work: room for a full window and its receipts
        s.setQueueCapacity(Math.max(100, settings.windowPerBind() * 4));
        s.setMessageReceiverListener(receiver);
        s.addSessionStateListener(this);
        synchronized (this)
        {
            connecting = s;
            binder = Thread.currentThread();
            hungUp = false;
        }
        try
        {
            s.connectAndBind(settings.host(), settings.port(), new BindParameter(settings.bindType(), settings.systemId(),
                settings.password(), settings.systemType(), settings.sourceTon(), settings.sourceNpi(), null,
                InterfaceVersion.IF_34), settings.bindTimeoutMs());
        }
        catch (final IOException ex)
        {
            s.close();
            nextAttemptMs = nowMs + backoffMs;
            backoffMs = Math.min(settings.reconnectMaxMs(), backoffMs * 2);
            final int status = ex.getCause() instanceof NegativeResponseException ?
                ((NegativeResponseException)ex.getCause()).getCommandStatus() : IO_FAILURE;
            lastFailure = status != IO_FAILURE ? "bind refused with command_status " + SmppStatusMapping.hex(status) :
                hungUp ? "the SMSC closed the connection before answering the bind" :
                ex.getClass().getSimpleName() + ": " + ex.getMessage();
            return status;
        }
        finally
        {
            synchronized (this)
            {
                connecting = null;
                Thread.interrupted(); // the wake-up of a hang-up, if any, ends here
            }
        }
        backoffMs = settings.reconnectInitialMs();
        session = s;
        if (closed)
        {
            close(); // the connector stopped while this bind was on its way: let the new session go
            return IO_FAILURE;
        }
        synchronized (boundSignal)
        {
            boundSignal.notifyAll();
        }
        return BOUND;
    }

    /** Blocks a worker until the bind is up again or the time is over. */
    void awaitBound(final long timeoutMs) throws InterruptedException
    {
        synchronized (boundSignal)
        {
            if (session() == null)
            {
                boundSignal.wait(timeoutMs);
            }
        }
    }

    /** Unbinds politely (waits up to the request timeout for unbind_resp) and closes. */
    void close()
    {
        closed = true;
        final SMPPSession s = session;
        session = null;
        if (s != null)
        {
            s.unbindAndClose();
        }
    }

    @Override
    public void onStateChange(final SessionState newState, final SessionState oldState, final Session source)
    {
        if (newState == SessionState.CLOSED)
        {
            wakeBinder(source);
        }
        if (newState == SessionState.CLOSED && source == session)
        {
            session = null;
            // give the SMSC a moment (it may be restarting) before the binder binds again
            nextAttemptMs = clock.time() + settings.reconnectInitialMs();
            onDown.accept(this, source);
        }
    }

    /**
     * jSMPP's reader thread: the peer closed the connection while we wait for bind_resp. jSMPP would let the wait
     * run to bindTimeoutMs; an SMSC that accepts TCP and hangs up (overloaded, wrong port, IP not allowed) fails
     * the bind now.
     */
    private synchronized void wakeBinder(final Session source)
    {
        if (source == connecting)
        {
            hungUp = true;
            binder.interrupt();
        }
    }
}
