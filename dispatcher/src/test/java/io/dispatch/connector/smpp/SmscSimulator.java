package io.dispatch.connector.smpp;

import org.jsmpp.DefaultPDUReader;
import org.jsmpp.DefaultPDUSender;
import org.jsmpp.PDUStringException;
import org.jsmpp.SynchronizedPDUSender;
import org.jsmpp.SMPPConstant;
import org.jsmpp.bean.BroadcastSm;
import org.jsmpp.bean.CancelBroadcastSm;
import org.jsmpp.bean.CancelSm;
import org.jsmpp.bean.DataCodings;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.EnquireLink;
import org.jsmpp.bean.InterfaceVersion;
import org.jsmpp.bean.MessageState;
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
import org.jsmpp.session.ServerMessageReceiverListener;
import org.jsmpp.session.ServerResponseDeliveryAdapter;
import org.jsmpp.session.Session;
import org.jsmpp.session.SubmitMultiResult;
import org.jsmpp.session.SubmitSmResult;
import org.jsmpp.session.connection.Connection;
import org.jsmpp.session.connection.socket.ServerSocketConnection;
import org.jsmpp.util.MessageId;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
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
 * an ESME that is away and hands them to its next bind. Providers' quirks on demand: submit_sm_resp with an empty or
 * no message_id, ids in hex or decimal (each side its own form), a receipt before its submit_sm_resp, a part refused
 * after earlier parts were accepted, a peer that accepts TCP and hangs up, binds answered only once several wait.
 * Listens on 127.0.0.1, ephemeral port. Thread-safe.
 */
public final class SmscSimulator implements ServerMessageReceiverListener, AutoCloseable
{
    /** What the SMSC received in one submit_sm. */
    public record Submitted(String providerId, String destination, String source, byte dataCoding, byte esmClass,
        byte registeredDelivery, String validityPeriod, byte[] shortMessage, int sarRef, int sarTotal, int sarSeq,
        long serial)
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

    /** How the SMSC writes a message id: its serial number in hex or decimal, or no id at all. */
    public enum IdForm
    {
        /** Lower-case hex, the default. */
        HEX,
        /** Upper-case hex with leading zeros, 12 digits. */
        PADDED_HEX,
        DECIMAL,
        /** An empty C-string: submit_sm_resp carries only the NUL. */
        EMPTY,
        /** No body at all: submit_sm_resp is the 16-octet header. */
        MISSING
    }

    /** Stands for "send no message_id" between {@link #onAcceptSubmitSm} and the PDU sender. */
    private static final String NO_BODY = "\u0001no-body";

    private final String systemId;
    private final String password;
    private final ServerSocket socket;
    private final ServerSocketConnection server;
    private final int pduThreads;
    private final List<SMPPServerSession> sessions = new CopyOnWriteArrayList<>();
    private final List<Submitted> submitted = new CopyOnWriteArrayList<>();
    private final Map<SubmitSmResult, Submitted> awaitingResp = new ConcurrentHashMap<>();
    private final Map<String, Integer> statusByDestination = new ConcurrentHashMap<>();
    private final Map<String, String> receiptStatByDestination = new ConcurrentHashMap<>();
    private final List<Submitted> heldReceipts = new CopyOnWriteArrayList<>();
    /** Submits by their id as written in submit_sm_resp: what query_sm names. */
    private final Map<String, Submitted> byProviderId = new ConcurrentHashMap<>();
    private final AtomicInteger queries = new AtomicInteger();
    private volatile boolean answerQueriesWithOutcome;
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
    private final AtomicInteger hangUps = new AtomicInteger();
    private final AtomicInteger pendingBinds = new AtomicInteger();
    private final AtomicInteger mostPendingBinds = new AtomicInteger();
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
    private volatile IdForm submitIdForm = IdForm.HEX;
    private volatile IdForm receiptIdForm = IdForm.HEX;
    private volatile boolean receiptBeforeResp;
    private volatile boolean hangUpOnConnect;
    private volatile int holdBindsUntil;
    private volatile String failDestinationAfterParts;
    private volatile int acceptPartsBeforeFailure;
    private volatile int failureStatus;
    private volatile int failuresLeft;
    private final Map<String, AtomicInteger> partsByDestination = new ConcurrentHashMap<>();
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
        this.server = new ServerSocketConnection(socket);
        this.pduThreads = pduThreads;
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

    /**
     * query_sm answers what each message's receipt says (its {@link #receiptStat}, DELIVRD by default), as an SMSC
     * that delivered it but holds its receipt. Without this, query_sm of a known message answers ENROUTE; of an
     * unknown one, ESME_RQUERYFAIL.
     */
    public SmscSimulator answerQueriesWithOutcome()
    {
        answerQueriesWithOutcome = true;
        return this;
    }

    /** @return how many query_sm were received. */
    public int queries()
    {
        return queries.get();
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

    /** Write submit_sm_resp message ids this way (receipts keep their own form). */
    public SmscSimulator submitIds(final IdForm form)
    {
        submitIdForm = form;
        return this;
    }

    /** Write the message id of receipts (TLV and text) this way; EMPTY and MISSING are not receipt forms. */
    public SmscSimulator receiptIds(final IdForm form)
    {
        receiptIdForm = form;
        return this;
    }

    /**
     * Send each receipt before the submit_sm_resp of its message, and wait for the ESME's deliver_sm_resp first: the
     * receipt is processed before the response is even on the wire.
     */
    public SmscSimulator receiptBeforeResp()
    {
        receiptBeforeResp = true;
        return this;
    }

    /** Accept TCP connections and close them at once, before any bind (0 binds accepted meanwhile). */
    public SmscSimulator hangUpOnConnect(final boolean hangUp)
    {
        hangUpOnConnect = hangUp;
        return this;
    }

    /**
     * Hold every bind request, unanswered, until {@code n} are waiting at once (up to 30 s, then answer anyway):
     * a slow SMSC that shows whether the ESME binds its sessions in parallel.
     */
    public SmscSimulator holdBindsUntilConcurrent(final int n)
    {
        holdBindsUntil = n;
        return this;
    }

    /**
     * To {@code destination}, accept the first {@code acceptedParts} submit_sm, then answer the next {@code times}
     * with {@code commandStatus}, then accept again: part 2 of a message failing after part 1 was accepted.
     */
    public SmscSimulator failAfterParts(final String destination, final int acceptedParts, final int commandStatus,
        final int times)
    {
        acceptPartsBeforeFailure = acceptedParts;
        failureStatus = commandStatus;
        failuresLeft = times;
        failDestinationAfterParts = destination;
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

    /**
     * Sends a mobile originated message (a deliver_sm without the receipt bits) on a bound session and waits for the
     * ESME's deliver_sm_resp.
     *
     * @return its command_status: 0 when the ESME took it.
     */
    public int sendMo(final String from, final String to, final byte dataCoding, final byte esmClass, final byte[] message)
        throws Exception
    {
        final SMPPServerSession target = sessions.stream().filter(s -> s.getSessionState().isBound()).findFirst()
            .orElseThrow(() -> new IllegalStateException("no bound session to send the MO on"));
        try
        {
            target.deliverShortMessage("", TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, from,
                TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, to, new ESMClass(esmClass), (byte)0, (byte)0,
                new RegisteredDelivery(0), DataCodings.newInstance(dataCoding), message);
            return 0;
        }
        catch (final org.jsmpp.extra.NegativeResponseException ex)
        {
            return ex.getCommandStatus();
        }
    }

    public List<Submitted> submitted()
    {
        return submitted;
    }

    public int submits()
    {
        return submits.get();
    }

    /** @return how many submit_sm went to this destination, answered or not (counted while submits are recorded). */
    public int submitsTo(final String destination)
    {
        final AtomicInteger n = partsByDestination.get(destination);
        return n == null ? 0 : n.get();
    }

    /** @return how many TCP connections were closed unanswered ({@link #hangUpOnConnect}). */
    public int hangUps()
    {
        return hangUps.get();
    }

    /** @return the most bind requests that waited unanswered at one time. */
    public int mostConcurrentBinds()
    {
        return mostPendingBinds.get();
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
        final int partNo = !recordSubmits ? 0 :
            partsByDestination.computeIfAbsent(submitSm.getDestAddress(), d -> new AtomicInteger()).incrementAndGet();
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
        if (submitSm.getDestAddress().equals(failDestinationAfterParts) && partNo > acceptPartsBeforeFailure
            && failuresLeft > 0)
        {
            failuresLeft--;
            throw new ProcessRequestException("part refused for now", failureStatus);
        }
        final long serial = ids.getAndIncrement();
        final String id = format(serial, submitIdForm);
        final boolean receipt = submitSm.getRegisteredDelivery() != 0;
        // benchmarks neither record nor ask for receipts: nothing is kept per submit then
        final Submitted s = !recordSubmits && !receipt ? null : new Submitted(id, submitSm.getDestAddress(),
            submitSm.getSourceAddr(), submitSm.getDataCoding(), submitSm.getEsmClass(), submitSm.getRegisteredDelivery(),
            submitSm.getValidityPeriod(), submitSm.getShortMessage(),
            tlv(submitSm, OptionalParameter.Tag.SAR_MSG_REF_NUM), tlv(submitSm, OptionalParameter.Tag.SAR_TOTAL_SEGMENTS),
            tlv(submitSm, OptionalParameter.Tag.SAR_SEGMENT_SEQNUM), serial);
        if (recordSubmits)
        {
            submitted.add(s);
            byProviderId.put(id, s);
        }
        final SubmitSmResult result;
        try
        {
            result = new SubmitSmResult(new MessageId(submitIdForm == IdForm.MISSING ? NO_BODY : id),
                new OptionalParameter[0]);
        }
        catch (final PDUStringException ex)
        {
            throw new ProcessRequestException("bad id", SMPPConstant.STAT_ESME_RSYSERR);
        }
        if (receipt)
        {
            if (receiptBeforeResp)
            {
                sendReceipt(s, source); // returns once the ESME answered the deliver_sm
            }
            else
            {
                awaitingResp.put(result, s);
            }
        }
        return result;
    }

    @Override
    public QuerySmResult onAcceptQuerySm(final QuerySm querySm, final SMPPServerSession source)
        throws ProcessRequestException
    {
        queries.incrementAndGet();
        final Submitted s = byProviderId.get(querySm.getMessageId());
        if (s == null)
        {
            throw new ProcessRequestException("unknown message", SMPPConstant.STAT_ESME_RQUERYFAIL);
        }
        final String stat = answerQueriesWithOutcome ? receiptStatByDestination.getOrDefault(s.destination(), "DELIVRD")
            : "ENROUTE";
        return new QuerySmResult("", MessageState.valueOf(messageState(stat)), (byte)0);
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

    private static String format(final long serial, final IdForm form)
    {
        switch (form)
        {
            case PADDED_HEX: return String.format("%012X", serial);
            case DECIMAL: return Long.toString(serial);
            case EMPTY:
            case MISSING: return "";
            default: return Long.toHexString(serial);
        }
    }

    private void scheduleReceipt(final SubmitSmResult result, final SMPPServerSession source)
    {
        final Submitted s = awaitingResp.remove(result);
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
        final String receiptId = format(s.serial(), receiptIdForm);
        final String text = "id:" + receiptId + " sub:001 dlvrd:" + ("DELIVRD".equals(stat) ? "001" : "000")
            + " submit date:2601010000 done date:2601010000 stat:" + stat + " err:000 text:";
        final OptionalParameter[] tlvs = receiptTlvs ? new OptionalParameter[] {
            new OptionalParameter.Receipted_message_id(receiptId),
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
                final Connection connection = server.accept();
                if (hangUpOnConnect)
                {
                    hangUps.incrementAndGet();
                    connection.close();
                    continue;
                }
                connection.setSoTimeout(5_000); // jSMPP's initiation timer, as SMPPServerSessionListener sets it
                final SMPPServerSession session = new SMPPServerSession(connection, null, this, responses, pduThreads,
                    10_000, new SynchronizedPDUSender(new HeaderOnlyResponses()), new DefaultPDUReader());
                session.setTransactionTimer(10_000); // a receipt's deliver_sm_resp may be slow on a busy test box
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

    private final ServerResponseDeliveryAdapter responses = new ServerResponseDeliveryAdapter()
    {
        @Override
        public void onSubmitSmRespSent(final SubmitSmResult result, final SMPPServerSession source)
        {
            scheduleReceipt(result, source);
        }
    };

    private void holdBind() throws InterruptedException
    {
        if (holdBindsUntil <= 0)
        {
            return;
        }
        final int waiting = pendingBinds.incrementAndGet();
        mostPendingBinds.accumulateAndGet(waiting, Math::max);
        final long deadline = System.nanoTime() + 30_000_000_000L;
        while (mostPendingBinds.get() < holdBindsUntil && System.nanoTime() < deadline && running)
        {
            Thread.sleep(5);
        }
        pendingBinds.decrementAndGet();
    }

    private void awaitBind(final SMPPServerSession session)
    {
        try
        {
            final BindRequest bind = session.waitForBind(5_000);
            holdBind();
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
        server.close();
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

    /** What jSMPP's server sends as submit_sm_resp; {@link IdForm#MISSING} gets the bare header. */
    private static final class HeaderOnlyResponses extends DefaultPDUSender
    {
        @Override
        public byte[] sendSubmitSmResp(final OutputStream os, final int sequenceNumber, final String messageId,
            final OptionalParameter... optionalParameters) throws PDUStringException, IOException
        {
            if (!NO_BODY.equals(messageId))
            {
                return super.sendSubmitSmResp(os, sequenceNumber, messageId, optionalParameters);
            }
            final byte[] header = ByteBuffer.allocate(16).putInt(16).putInt(SMPPConstant.CID_SUBMIT_SM_RESP)
                .putInt(SMPPConstant.STAT_ESME_ROK).putInt(sequenceNumber).array();
            os.write(header);
            os.flush();
            return header;
        }
    }
}
