package io.dispatch.connector.smpp;

import org.jsmpp.PDUStringException;
import org.jsmpp.SMPPConstant;
import org.jsmpp.bean.BroadcastSm;
import org.jsmpp.bean.CancelBroadcastSm;
import org.jsmpp.bean.CancelSm;
import org.jsmpp.bean.DataCodings;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.EnquireLink;
import org.jsmpp.bean.InterfaceVersion;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.QueryBroadcastSm;
import org.jsmpp.bean.QuerySm;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.ReplaceSm;
import org.jsmpp.bean.SubmitMulti;
import org.jsmpp.bean.SubmitSm;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.ProcessRequestException;
import org.jsmpp.session.BindRequest;
import org.jsmpp.session.BroadcastSmResult;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.QueryBroadcastSmResult;
import org.jsmpp.session.QuerySmResult;
import org.jsmpp.session.SMPPServerSession;
import org.jsmpp.session.SMPPServerSessionListener;
import org.jsmpp.session.ServerMessageReceiverListener;
import org.jsmpp.session.ServerResponseDeliveryAdapter;
import org.jsmpp.session.Session;
import org.jsmpp.session.SubmitMultiResult;
import org.jsmpp.session.SubmitSmResult;
import org.jsmpp.session.connection.ServerConnection;
import org.jsmpp.session.connection.ServerConnectionFactory;
import org.jsmpp.session.connection.socket.ServerSocketConnection;
import org.jsmpp.util.MessageId;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback SMSC on jSMPP's server side, for tests and benchmarks: accepts binds (checking system id and password),
 * answers submit_sm, and can throttle (0x58 for the next N requests or a share of them), refuse recipients with a
 * command_status, refuse binds, drop every bind, and send delivery receipts after a delay (text plus the
 * receipted_message_id and message_state TLVs) or hold them until released, as a real SMSC stores receipts for
 * an ESME that is away and hands them to its next bind. Listens on 127.0.0.1, ephemeral port. Thread-safe.
 */
public final class SmscSimulator implements ServerMessageReceiverListener, AutoCloseable
{
    /** What the SMSC received in one submit_sm. */
    public record Submitted(String providerId, String destination, String source, byte dataCoding, byte esmClass,
        byte registeredDelivery, String validityPeriod, byte[] shortMessage, int sarRef, int sarTotal, int sarSeq)
    {
        public boolean udhi()
        {
            return (esmClass & 0x40) != 0;
        }

        /** @return the text of a part without its UDH, decoded by data coding. */
        public String text()
        {
            final int skip = udhi() ? (shortMessage[0] & 0xFF) + 1 : 0;
            return new String(shortMessage, skip, shortMessage.length - skip,
                dataCoding == 0x08 ? StandardCharsets.UTF_16BE : StandardCharsets.US_ASCII);
        }
    }

    private final String systemId;
    private final String password;
    private final ServerSocket socket;
    private final SMPPServerSessionListener listener;
    private final List<SMPPServerSession> sessions = new CopyOnWriteArrayList<>();
    private final List<Submitted> submitted = new CopyOnWriteArrayList<>();
    private final Map<String, Submitted> byId = new ConcurrentHashMap<>();
    private final Map<String, Integer> statusByDestination = new ConcurrentHashMap<>();
    private final Map<String, String> receiptStatByDestination = new ConcurrentHashMap<>();
    private final List<Submitted> heldReceipts = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService receipts = Executors.newScheduledThreadPool(2, r ->
    {
        final Thread t = new Thread(r, "smsc-sim-receipts");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong ids = new AtomicLong(0x10000);
    private final AtomicInteger throttleNext = new AtomicInteger();
    private final AtomicInteger throttled = new AtomicInteger();
    private final AtomicInteger bindsAccepted = new AtomicInteger();
    private final AtomicInteger submits = new AtomicInteger();
    private final Thread acceptor;
    private volatile double throttleShare;
    private volatile long receiptDelayMs = 20;
    private volatile boolean holdReceipts;
    private volatile long responseDelayMs;
    private volatile boolean receiptTlvs = true;
    private volatile boolean recordSubmits = true;
    private volatile int bindRefusal;
    private volatile boolean running = true;
    private volatile boolean silentLinks;
    private final AtomicInteger enquireLinks = new AtomicInteger();

    public SmscSimulator(final String systemId, final String password) throws IOException
    {
        this(systemId, password, 4);
    }

    /** @param pduThreads how many submit_sm each bind works on at once (the SMSC's side of the window). */
    public SmscSimulator(final String systemId, final String password, final int pduThreads) throws IOException
    {
        this.systemId = systemId;
        this.password = password;
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.listener = new SMPPServerSessionListener(0, new LoopbackFactory(socket));
        listener.setPduProcessorDegree(pduThreads);
        listener.setQueueCapacity(10_000);
        listener.setMessageReceiverListener(this);
        listener.setResponseDeliveryListener(new ServerResponseDeliveryAdapter()
        {
            @Override
            public void onSubmitSmRespSent(final SubmitSmResult result, final SMPPServerSession source)
            {
                scheduleReceipt(result.getMessageId(), source);
            }
        });
        acceptor = new Thread(this::acceptLoop, "smsc-sim-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port()
    {
        return socket.getLocalPort();
    }

    // ---- behaviour ----

    /** Answer ESME_RTHROTTLED to the next {@code n} submit_sm. */
    public SmscSimulator throttleNext(final int n)
    {
        throttleNext.set(n);
        return this;
    }

    /** Answer ESME_RTHROTTLED to this share (0..1) of submit_sm, at random. */
    public SmscSimulator throttleShare(final double share)
    {
        throttleShare = share;
        return this;
    }

    /** Refuse submit_sm to this destination with this command_status. */
    public SmscSimulator refuse(final String destination, final int commandStatus)
    {
        statusByDestination.put(destination, commandStatus);
        return this;
    }

    /** The receipt for this destination says {@code stat} (default DELIVRD). */
    public SmscSimulator receiptStat(final String destination, final String stat)
    {
        receiptStatByDestination.put(destination, stat);
        return this;
    }

    public SmscSimulator receiptDelayMs(final long ms)
    {
        receiptDelayMs = ms;
        return this;
    }

    /** Keep every receipt instead of sending it, until {@link #releaseReceipts()}. */
    public SmscSimulator holdReceipts()
    {
        holdReceipts = true;
        return this;
    }

    /**
     * Sends the held receipts on whichever session is bound now (and stops holding); a receipt that finds no bound
     * session is lost. @return how many were released.
     */
    public int releaseReceipts()
    {
        holdReceipts = false;
        final List<Submitted> held = List.copyOf(heldReceipts);
        heldReceipts.removeAll(held);
        for (final Submitted s : held)
        {
            receipts.execute(() -> sendReceipt(s, null));
        }
        return held.size();
    }

    /** @return how many receipts are held. */
    public int heldReceipts()
    {
        return heldReceipts.size();
    }

    /** Receipts carry only the text, as some SMSCs send them. */
    public SmscSimulator receiptTextOnly()
    {
        receiptTlvs = false;
        return this;
    }

    /** Refuse every bind with this command_status (0 accepts again). */
    public SmscSimulator refuseBinds(final int commandStatus)
    {
        bindRefusal = commandStatus;
        return this;
    }

    /** Hold every submit_sm this long before answering (a slow SMSC, or a submit in flight when binds drop). */
    public SmscSimulator responseDelayMs(final long ms)
    {
        responseDelayMs = ms;
        return this;
    }

    /** Leave enquire_link unanswered (for 10 s each), as a peer that hung while its socket stays open would. */
    public SmscSimulator silentEnquireLinks(final boolean silent)
    {
        silentLinks = silent;
        return this;
    }

    /** Keep counts only (benchmarks): no per-submit record. */
    public SmscSimulator recordSubmits(final boolean record)
    {
        recordSubmits = record;
        return this;
    }

    /** Closes every bound session without unbind, as a network failure or an SMSC restart would. */
    public void dropBinds()
    {
        for (final SMPPServerSession s : sessions)
        {
            s.close();
        }
        sessions.clear();
    }

    // ---- observations ----

    public List<Submitted> submitted()
    {
        return submitted;
    }

    public int submits()
    {
        return submits.get();
    }

    public int enquireLinks()
    {
        return enquireLinks.get();
    }

    public int throttled()
    {
        return throttled.get();
    }

    public int bindsAccepted()
    {
        return bindsAccepted.get();
    }

    public int boundSessions()
    {
        int n = 0;
        for (final SMPPServerSession s : sessions)
        {
            if (s.getSessionState().isBound())
            {
                n++;
            }
        }
        return n;
    }

    // ---- SMSC side ----

    @Override
    public SubmitSmResult onAcceptSubmitSm(final SubmitSm submitSm, final SMPPServerSession source)
        throws ProcessRequestException
    {
        submits.incrementAndGet();
        if (responseDelayMs > 0)
        {
            try
            {
                Thread.sleep(responseDelayMs);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
        if (throttleNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0
            || (throttleShare > 0 && ThreadLocalRandom.current().nextDouble() < throttleShare))
        {
            throttled.incrementAndGet();
            throw new ProcessRequestException("throttled", SMPPConstant.STAT_ESME_RTHROTTLED);
        }
        final Integer status = statusByDestination.get(submitSm.getDestAddress());
        if (status != null)
        {
            throw new ProcessRequestException("refused", status);
        }
        final String id = Long.toHexString(ids.getAndIncrement());
        if (recordSubmits || submitSm.getRegisteredDelivery() != 0)
        {
            final Submitted s = new Submitted(id, submitSm.getDestAddress(), submitSm.getSourceAddr(),
                submitSm.getDataCoding(), submitSm.getEsmClass(), submitSm.getRegisteredDelivery(),
                submitSm.getValidityPeriod(), submitSm.getShortMessage(),
                tlv(submitSm, OptionalParameter.Tag.SAR_MSG_REF_NUM), tlv(submitSm, OptionalParameter.Tag.SAR_TOTAL_SEGMENTS),
                tlv(submitSm, OptionalParameter.Tag.SAR_SEGMENT_SEQNUM));
            if (recordSubmits)
            {
                submitted.add(s);
            }
            if (submitSm.getRegisteredDelivery() != 0)
            {
                byId.put(id, s);
            }
        }
        try
        {
            return new SubmitSmResult(new MessageId(id), new OptionalParameter[0]);
        }
        catch (final PDUStringException ex)
        {
            throw new ProcessRequestException("bad id", SMPPConstant.STAT_ESME_RSYSERR);
        }
    }

    @Override
    public void onAcceptEnquireLink(final EnquireLink enquireLink, final Session source)
    {
        enquireLinks.incrementAndGet();
        final long until = System.nanoTime() + 10_000_000_000L;
        while (silentLinks && running && System.nanoTime() < until)
        {
            try
            {
                Thread.sleep(10); // jSMPP answers after this returns
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** @return an integer TLV's value, or -1 when the PDU does not carry it. */
    private static int tlv(final SubmitSm submitSm, final OptionalParameter.Tag tag)
    {
        final OptionalParameter p = submitSm.getOptionalParameter(tag);
        if (p instanceof OptionalParameter.Short)
        {
            return ((OptionalParameter.Short)p).getValue() & 0xFFFF;
        }
        if (p instanceof OptionalParameter.Byte)
        {
            return ((OptionalParameter.Byte)p).getValue() & 0xFF;
        }
        return -1;
    }

    private void scheduleReceipt(final String id, final SMPPServerSession source)
    {
        final Submitted s = byId.remove(id);
        if (s == null)
        {
            return;
        }
        if (holdReceipts)
        {
            heldReceipts.add(s);
            return;
        }
        receipts.schedule(() -> sendReceipt(s, source), receiptDelayMs, TimeUnit.MILLISECONDS);
    }

    private void sendReceipt(final Submitted s, final SMPPServerSession preferred)
    {
        final String stat = receiptStatByDestination.getOrDefault(s.destination(), "DELIVRD");
        // receipts go back on any bound transceiver session, as SMSCs do after a rebind
        SMPPServerSession target = preferred != null && preferred.getSessionState().isBound() ? preferred : null;
        for (int i = 0; target == null && i < sessions.size(); i++)
        {
            target = sessions.get(i).getSessionState().isBound() ? sessions.get(i) : null;
        }
        if (target == null || !running)
        {
            return;
        }
        final String text = "id:" + s.providerId() + " sub:001 dlvrd:" + ("DELIVRD".equals(stat) ? "001" : "000")
            + " submit date:2601010000 done date:2601010000 stat:" + stat + " err:000 text:";
        final OptionalParameter[] tlvs = receiptTlvs ? new OptionalParameter[] {
            new OptionalParameter.Receipted_message_id(s.providerId()),
            new OptionalParameter.Message_state(messageState(stat))} : new OptionalParameter[0];
        try
        {
            target.deliverShortMessage("", TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, s.destination(),
                TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, s.source(), new ESMClass(0x04), (byte)0, (byte)0,
                new RegisteredDelivery(0), DataCodings.ZERO, text.getBytes(StandardCharsets.US_ASCII), tlvs);
        }
        catch (final Exception ex)
        {
            // the bind dropped meanwhile: this receipt is lost, as on a real SMSC without a store
        }
    }

    private static byte messageState(final String stat)
    {
        switch (stat)
        {
            case "DELIVRD": return 2;
            case "EXPIRED": return 3;
            case "UNDELIV": return 5;
            case "REJECTD": return 8;
            case "ENROUTE": return 1;
            default: return 7;
        }
    }

    private void acceptLoop()
    {
        while (running)
        {
            try
            {
                final SMPPServerSession session = listener.accept();
                final Thread binder = new Thread(() -> awaitBind(session), "smsc-sim-bind");
                binder.setDaemon(true);
                binder.start();
            }
            catch (final IOException ex)
            {
                return; // closed
            }
        }
    }

    private void awaitBind(final SMPPServerSession session)
    {
        try
        {
            final BindRequest bind = session.waitForBind(5_000);
            if (bindRefusal != 0)
            {
                bind.reject(bindRefusal);
            }
            else if (!systemId.equals(bind.getSystemId()))
            {
                bind.reject(SMPPConstant.STAT_ESME_RINVSYSID);
            }
            else if (!password.equals(bind.getPassword()))
            {
                bind.reject(SMPPConstant.STAT_ESME_RINVPASWD);
            }
            else
            {
                bind.accept("smsc-sim", InterfaceVersion.IF_34);
                sessions.add(session);
                bindsAccepted.incrementAndGet();
            }
        }
        catch (final Exception ex)
        {
            session.close();
        }
    }

    @Override
    public void close() throws IOException
    {
        running = false;
        listener.close();
        for (final SMPPServerSession s : sessions)
        {
            s.unbindAndClose();
        }
        receipts.shutdownNow();
        try
        {
            acceptor.join(5_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    // ---- operations this SMSC does not offer ----

    @Override
    public SubmitMultiResult onAcceptSubmitMulti(final SubmitMulti submitMulti, final SMPPServerSession source)
        throws ProcessRequestException
    {
        throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
    }

    @Override
    public QuerySmResult onAcceptQuerySm(final QuerySm querySm, final SMPPServerSession source)
        throws ProcessRequestException
    {
        throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
    }

    @Override
    public void onAcceptReplaceSm(final ReplaceSm replaceSm, final SMPPServerSession source)
        throws ProcessRequestException
    {
        throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
    }

    @Override
    public void onAcceptCancelSm(final CancelSm cancelSm, final SMPPServerSession source) throws ProcessRequestException
    {
        throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
    }

    @Override
    public BroadcastSmResult onAcceptBroadcastSm(final BroadcastSm broadcastSm, final SMPPServerSession source)
        throws ProcessRequestException
    {
        throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
    }

    @Override
    public void onAcceptCancelBroadcastSm(final CancelBroadcastSm cancelBroadcastSm, final SMPPServerSession source)
        throws ProcessRequestException
    {
        throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
    }

    @Override
    public QueryBroadcastSmResult onAcceptQueryBroadcastSm(final QueryBroadcastSm queryBroadcastSm,
        final SMPPServerSession source) throws ProcessRequestException
    {
        throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
    }

    @Override
    public DataSmResult onAcceptDataSm(final DataSm dataSm, final Session source) throws ProcessRequestException
    {
        throw new ProcessRequestException("not supported", SMPPConstant.STAT_ESME_RINVCMDID);
    }

    /** Listens on the loopback address only, on the socket the simulator already opened. */
    private static final class LoopbackFactory implements ServerConnectionFactory
    {
        private final ServerSocket socket;

        LoopbackFactory(final ServerSocket socket)
        {
            this.socket = socket;
        }

        @Override
        public ServerConnection listen(final int port)
        {
            return new ServerSocketConnection(socket);
        }

        @Override
        public ServerConnection listen(final int port, final int timeout) throws IOException
        {
            socket.setSoTimeout(timeout);
            return new ServerSocketConnection(socket);
        }

        @Override
        public ServerConnection listen(final int port, final int timeout, final int backlog) throws IOException
        {
            return listen(port, timeout);
        }
    }
}
