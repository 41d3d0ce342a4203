package io.dispatch.client.cli;

import io.dispatch.client.CancelResult;
import io.dispatch.client.ClientConfig;
import io.dispatch.client.DispatchClient;
import io.dispatch.client.DispatchException;
import io.dispatch.client.Explanation;
import io.dispatch.client.InboundMessage;
import io.dispatch.client.StatusResult;
import io.dispatch.client.Submit;
import io.dispatch.client.SubmitResult;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.Frames;
import io.dispatch.protocol.Reason;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code scripts/send}: submits one message (optionally waiting for its receipts), explains what the policies
 * would do with it, queries or cancels one, or updates a recipient's consent, through the reference client.
 * Exit codes: 0 done, 1 refused, failed or not cancelled, 2 bad arguments, 3 {@code --wait} timed out.
 * <p>
 * Single-threaded command; receipts arrive on the client's I/O thread and are handed over through a queue.
 */
public final class SendCommand
{
    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;
    static final int EXIT_WAIT_TIMEOUT = 3;

    static final String USAGE = String.join(System.lineSeparator(),
        "usage: scripts/send --to RECIPIENT (--text TEXT | --template ID [--var NAME=VALUE]...) [options]",
        "       scripts/send --explain --to RECIPIENT (--text TEXT | --template ID ...) [options]",
        "       scripts/send --status MESSAGE_ID | --cancel MESSAGE_ID | --cancel-key KEY [connection options]",
        "       scripts/send --consent FLAGS --to RECIPIENT [--channel CHANNEL] [--source TEXT] [connection options]",
        "       scripts/send --listen [--from-position P] [--count N] [connection options]",
        "",
        "message:",
        "  --to RECIPIENT          phone number, push token or chat user key (required)",
        "  --kind KIND             informational (default) | auth | marketing",
        "  --channel CHANNEL       sms (default) | push | chat | talktalk | messenger",
        "  --text TEXT             literal text",
        "  --template ID           template id; fill it with --var NAME=VALUE (repeatable)",
        "  --key KEY               idempotency key: resubmitting with it is answered as a duplicate",
        "  --ttl SECONDS           expire undelivered after this long (default: engine's)",
        "  --send-at TIME          send later: +SECONDS from now, an ISO-8601 time (2026-11-26T09:00:00+09:00,",
        "                          2026-11-26T00:00:00Z) or a local date-time read as Asia/Seoul (2026-11-26T09:00)",
        "  --fallback-after TIME   push first: fall back (the lane's lane.<channel>.fallback, e.g. SMS) if not",
        "                          confirmed DELIVERED within TIME (60s, 2m, 1500ms) of the provider's acceptance;",
        "                          overrides lane.<channel>.fallbackUndeliveredMs, only on a lane that has it",
        "  --wait                  print the message's receipts until a terminal state",
        "  --wait-timeout SECONDS  bound on --wait (default 30)",
        "  --explain               dry run: print what the policies would decide (SEND on lane, DEFER until,",
        "                          SUPPRESS, REFUSE or DUPLICATE of) and exit 0; nothing is journaled or sent",
        "",
        "query and cancel:",
        "  --status MESSAGE_ID     print the latest state of a message instead of sending",
        "  --history MESSAGE_ID    every journaled state of a message, read by the admin port (admin token as",
        "                          scripts/admin; first flag only; --tenant NAME, --limit DOCUMENTS)",
        "  --cancel MESSAGE_ID     cancel a deferred (scheduled or held) message",
        "  --cancel-key KEY        cancel a deferred message by the idempotency key it was sent with",
        "",
        "consent (the recipient directory):",
        "  --consent FLAGS         comma list of ad, night-ad, opted-out; prefix one with - to clear it",
        "                          (--consent ad,night-ad or --consent -ad,opted-out); needs --to",
        "  --channel CHANNEL       the channel the flags apply to (default: every channel)",
        "  --source TEXT           evidence kept in the journal (default scripts/send)",
        "",
        "inbound (what users send: chat replies, SMS MO, consent events, 080 opt-outs):",
        "  --listen                print the tenant's inbound messages, one line each, until Ctrl-C",
        "  --from-position P       resume after position P (the last line's position=); 0 = all journaled",
        "  --count N               exit after N messages",
        "",
        ConnectionOptions.USAGE,
        "",
        "exit codes: 0 ok (with --wait: DELIVERED; --explain whatever the decision), 1 refused, failed,",
        "            not delivered or not cancelled (not deferred), 2 bad arguments,",
        "            3 no terminal state within --wait-timeout",
        "");

    private static final DateTimeFormatter TIME =
        DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    /** Policy times (night window ends, send-at) read best in the zone the policies use. */
    private static final DateTimeFormatter LOCAL_TIME =
        DateTimeFormatter.ISO_OFFSET_DATE_TIME.withZone(SendArguments.LOCAL_ZONE);

    private final PrintStream out;
    private final PrintStream err;
    private final Clock clock;

    SendCommand(final PrintStream out, final PrintStream err)
    {
        this(out, err, Clock.systemUTC());
    }

    /** @param clock the time {@code --send-at +SECONDS} counts from. */
    SendCommand(final PrintStream out, final PrintStream err, final Clock clock)
    {
        this.out = out;
        this.err = err;
        this.clock = clock;
    }

    /**
     * Runs the command and exits with its code.
     *
     * @param args see {@code --help}.
     */
    public static void main(final String[] args)
    {
        quietLogging();
        System.exit(new SendCommand(System.out, System.err).run(args));
    }

    /** Keeps library logging (Netty, the client) off stdout: WARN and above on stderr unless configured. */
    static void quietLogging()
    {
        if (System.getProperty("logback.configurationFile") == null)
        {
            System.setProperty("logback.configurationFile", "io/dispatch/client/cli/logback-cli.xml");
            System.setProperty("logback.statusListenerClass", "ch.qos.logback.core.status.NopStatusListener");
        }
    }

    int run(final String... args)
    {
        final SendArguments a;
        final Submit submit;
        final ClientConfig config;
        try
        {
            a = SendArguments.parse(clock, args);
            if (a.mode == SendArguments.Mode.HELP)
            {
                out.print(USAGE);
                return EXIT_OK;
            }
            submit = a.mode == SendArguments.Mode.SEND || a.mode == SendArguments.Mode.EXPLAIN ? a.toSubmit() : null;
            config = a.toClientConfig();
        }
        catch (final UsageException ex)
        {
            err.println("send: " + ex.getMessage());
            err.println("try: scripts/send --help");
            return EXIT_USAGE;
        }

        try (DispatchClient client = DispatchClient.connect(config))
        {
            switch (a.mode)
            {
                case EXPLAIN:
                    return explain(client, submit, a.fallbackAfterMs);
                case STATUS:
                    return status(client, a.statusId);
                case CANCEL:
                    return cancel(client, a);
                case CONSENT:
                    return consent(client, a);
                case LISTEN:
                    return listen(client, a);
                default:
                    return send(client, submit, a);
            }
        }
        catch (final UncheckedIOException ex)
        {
            final String tls = ConnectionOptions.tlsFailure(ex);
            if (tls != null)
            {
                err.println("send: " + tls);
                return EXIT_FAILED;
            }
            err.println("send: cannot connect to " + a.host + ":" + a.port + " (" + rootMessage(ex) +
                "): is the engine running? start it with scripts/dispatcher");
            return EXIT_FAILED;
        }
        catch (final DispatchException ex)
        {
            err.println("send: " + describe(ex));
            return EXIT_FAILED;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            err.println("send: interrupted");
            return EXIT_FAILED;
        }
    }

    /** Prints each inbound message as one line; resumable from the {@code position=} of the last line printed. */
    private int listen(final DispatchClient client, final SendArguments a) throws InterruptedException
    {
        final BlockingQueue<InboundMessage> inbound = new LinkedBlockingQueue<>();
        await(client.subscribeInbound(a.fromPosition, inbound::add));
        err.println("listening for inbound messages of tenant " + a.tenant +
            (a.fromPosition < 0 ? " from now" : " after position " + a.fromPosition) + " (Ctrl-C stops)");
        for (long printed = 0; a.listenCount == 0 || printed < a.listenCount; printed++)
        {
            out.println(line(inbound.take()));
            out.flush();
        }
        return EXIT_OK;
    }

    static String line(final InboundMessage m)
    {
        final StringBuilder sb = new StringBuilder("inbound position=").append(m.position())
            .append(" kind=").append(m.kind().name().toLowerCase(Locale.ROOT))
            .append(" channel=").append(m.channel() == null ? "?" : m.channel().name().toLowerCase(Locale.ROOT))
            .append(" from=").append(m.from());
        if (!m.to().isEmpty())
        {
            sb.append(" to=").append(m.to());
        }
        if (m.inReplyTo() != 0)
        {
            sb.append(" in_reply_to=").append(m.inReplyTo());
        }
        sb.append(" at=").append(TIME.format(Instant.ofEpochMilli(m.atEpochMs())));
        if (!m.providerEventId().isEmpty())
        {
            sb.append(" event=").append(m.providerEventId());
        }
        if (!m.text().isEmpty())
        {
            sb.append(" text=\"").append(m.text().replace("\\", "\\\\").replace("\"", "\\\"")
                .replace("\n", "\\n")).append('"');
        }
        return sb.toString();
    }

    private int status(final DispatchClient client, final long messageId) throws InterruptedException
    {
        final StatusResult s = await(client.status(messageId));
        out.println("message " + s.messageId() + " " + s.state() + " attempts=" + s.attempts() +
            reason(s.reason()) + " channel=" + s.channel() + " kind=" + s.kind() + " updated " +
            TIME.format(Instant.ofEpochMilli(s.updatedAtEpochMs())));
        return EXIT_OK;
    }

    private int explain(final DispatchClient client, final Submit submit, final long fallbackAfterMs)
        throws InterruptedException
    {
        out.println(describe(await(client.explain(submit)), fallbackAfterMs));
        return EXIT_OK;
    }

    static String describe(final Explanation e)
    {
        return describe(e, 0);
    }

    /**
     * @param fallbackAfterMs the message's own receipt deadline ({@code --fallback-after}), 0 for none: the engine
     *                        answered the explanation, so it accepted the deadline for this lane.
     */
    static String describe(final Explanation e, final long fallbackAfterMs)
    {
        final String primary = describePrimary(e) + describeWindow(e.window());
        if (e.fallbackChannel() == null || e.fallbackDecision() == null)
        {
            return primary;
        }
        return primary + "; fallback to " + e.fallbackChannel().name().toLowerCase(Locale.ROOT)
            + (e.fallbackAddress() == null ? "" : " at " + e.fallbackAddress())
            + (fallbackAfterMs > 0 ? " if not DELIVERED within " + duration(fallbackAfterMs) : "") + ": "
            + e.fallbackDecision() + (e.fallbackReason() == Reason.NONE ? "" : " (" + e.fallbackReason() + ")");
    }

    private static String duration(final long ms)
    {
        return ms % 60_000 == 0 ? ms / 60_000 + " min" : ms % 1_000 == 0 ? ms / 1_000 + " s" : ms + " ms";
    }

    private static String describeWindow(final Explanation.ConversationWindow w)
    {
        if (w == null)
        {
            return "";
        }
        return "; window " + (w.open() ? "open" : "closed") + " (last message "
            + (w.lastMessageEpochMs() == 0 ? "none" : TIME.format(Instant.ofEpochMilli(w.lastMessageEpochMs()))) + ")"
            + (w.tag() != null ? ", tag " + w.tag() : w.open() ? ", untagged" : ", no tag for its template");
    }

    private static String describePrimary(final Explanation e)
    {
        if (e.decision() == null)
        {
            return "UNKNOWN decision (a newer engine?)";
        }
        switch (e.decision())
        {
            case SEND:
                return "SEND on lane " + lane(e) + " " + (e.priority() ? "priority" : "bulk");
            case DEFER:
                return "DEFER until " + LOCAL_TIME.format(Instant.ofEpochMilli(e.untilEpochMs())) + " (" + e.reason() + ")";
            case DUPLICATE:
                return "DUPLICATE of " + e.duplicateOf();
            default:
                return e.decision() + " (" + e.reason() + ")";
        }
    }

    private static String lane(final Explanation e)
    {
        return e.channel() == null ? "unknown" : e.channel().name().toLowerCase(Locale.ROOT);
    }

    private int cancel(final DispatchClient client, final SendArguments a) throws InterruptedException
    {
        final CancelResult r = await(a.cancelKey != null ? client.cancelByKey(a.cancelKey) : client.cancel(a.cancelId));
        if (r.cancelled())
        {
            out.println("message " + r.messageId() + " cancelled");
            return EXIT_OK;
        }
        if (r.messageId() < 0) // an engine before 2026-12 answered an unknown key so; newer ones NACK NOT_FOUND
        {
            out.println("not cancelled: no message with key " + a.cancelKey);
        }
        else
        {
            out.println("message " + r.messageId() + " not cancelled: it is not deferred (already handed to a " +
                "connector, ended or unknown); see scripts/send --status " + r.messageId());
        }
        return EXIT_FAILED;
    }

    private int consent(final DispatchClient client, final SendArguments a) throws InterruptedException
    {
        await(client.updateConsent(a.to, a.consentChannel, a.consentSet, a.consentClear, a.source));
        out.println("consent updated for " + a.to + " on " +
            (a.consentChannel == null ? "every channel" : a.consentChannel.name().toLowerCase(Locale.ROOT)) +
            ":" + flags(" set ", a.consentSet) + flags(" cleared ", a.consentClear));
        return EXIT_OK;
    }

    private static String flags(final String label, final int bits)
    {
        if (bits == 0)
        {
            return "";
        }
        final StringBuilder sb = new StringBuilder(label);
        for (int i = 0; i < SendArguments.CONSENT_NAMES.size(); i++)
        {
            if ((bits & (1 << i)) != 0)
            {
                sb.append(sb.length() == label.length() ? "" : ",").append(SendArguments.CONSENT_NAMES.get(i));
            }
        }
        return sb.toString();
    }

    private int send(final DispatchClient client, final Submit submit, final SendArguments a)
        throws InterruptedException
    {
        final BlockingQueue<long[]> receipts = new LinkedBlockingQueue<>();
        if (a.waitForReceipts)
        {
            // Subscribe before submitting: a receipt may come right after the ACK, even before we read it.
            await(client.subscribeReceipts(Frames.SCOPE_CONNECTION, (id, state, attempts, reason, at) ->
                receipts.add(new long[] {id, state == null ? 0 : state.code(), attempts, reason.code(), at})));
        }
        final SubmitResult result = await(client.submit(submit));
        final long id = result.messageId();
        out.println(result.duplicate() ?
            "message " + id + " duplicate of earlier submit" : "message " + id + " accepted (journaled)" +
            (submit.sendAtEpochMs() > clock.millis() ?
                ", to be sent at " + LOCAL_TIME.format(Instant.ofEpochMilli(submit.sendAtEpochMs())) : ""));
        if (!a.waitForReceipts)
        {
            return EXIT_OK;
        }

        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(a.waitTimeoutSeconds);
        if (result.duplicate())
        {
            // Receipts of the original may have gone to another connection: start from its current state.
            final StatusResult s = await(client.status(id));
            out.println("status " + id + " " + s.state() + " attempts=" + s.attempts() + reason(s.reason()) +
                " at " + TIME.format(Instant.ofEpochMilli(s.updatedAtEpochMs())));
            if (s.state() != null && s.state().isTerminal())
            {
                return s.state() == DeliveryState.DELIVERED ? EXIT_OK : EXIT_FAILED;
            }
        }
        while (true)
        {
            final long leftNs = deadlineNs - System.nanoTime();
            final long[] r = leftNs > 0 ? receipts.poll(leftNs, TimeUnit.NANOSECONDS) : null;
            if (r == null)
            {
                err.println("send: no terminal state for message " + id + " within " + a.waitTimeoutSeconds +
                    " s (--wait-timeout)");
                return EXIT_WAIT_TIMEOUT;
            }
            if (r[0] != id)
            {
                continue;
            }
            final DeliveryState state = DeliveryState.of((int)r[1]);
            out.println("receipt " + id + " " + (state == null ? "UNKNOWN(" + r[1] + ")" : state) +
                " attempts=" + r[2] + reason(Reason.of((int)r[3])) + " at " + TIME.format(Instant.ofEpochMilli(r[4])));
            if (state != null && state.isTerminal())
            {
                return state == DeliveryState.DELIVERED ? EXIT_OK : EXIT_FAILED;
            }
        }
    }

    static <T> T await(final CompletableFuture<T> future) throws InterruptedException
    {
        try
        {
            // The client's request timeout bounds every answer; this is only a backstop.
            return future.get(5, TimeUnit.MINUTES);
        }
        catch (final ExecutionException ex)
        {
            if (ex.getCause() instanceof DispatchException)
            {
                throw (DispatchException)ex.getCause();
            }
            throw new IllegalStateException(ex.getCause());
        }
        catch (final TimeoutException ex)
        {
            throw new DispatchException(DispatchException.Kind.TIMEOUT, ErrorCode.INTERNAL, "no answer");
        }
    }

    static String describe(final DispatchException ex)
    {
        final String what;
        switch (ex.kind())
        {
            case NACK:
                what = "refused";
                break;
            case ERROR:
                what = "engine error";
                break;
            case TIMEOUT:
                what = "timed out";
                break;
            case CONNECTION_LOST:
                what = "connection lost";
                break;
            default:
                what = "failed";
                break;
        }
        final String detail = ex.detail().isEmpty() ? "" : ": " + ex.detail();
        return what + ": " + ex.code() + " (" + ex.code().code() + ")" + detail;
    }

    private static String reason(final Reason reason)
    {
        return reason == null || reason == Reason.NONE ? "" : " reason=" + reason;
    }

    static String rootMessage(final Throwable t)
    {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root)
        {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
