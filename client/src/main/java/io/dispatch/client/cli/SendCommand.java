package io.dispatch.client.cli;

import io.dispatch.client.ClientConfig;
import io.dispatch.client.DispatchClient;
import io.dispatch.client.DispatchException;
import io.dispatch.client.StatusResult;
import io.dispatch.client.Submit;
import io.dispatch.client.SubmitResult;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.Frames;
import io.dispatch.protocol.Reason;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code scripts/send}: submits one message (optionally waiting for its receipts) or queries one, through the
 * reference client. Exit codes: 0 done, 1 refused or failed, 2 bad arguments, 3 {@code --wait} timed out.
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
        "       scripts/send --status MESSAGE_ID [connection options]",
        "",
        "message:",
        "  --to RECIPIENT          phone number, push token or chat user key (required)",
        "  --kind KIND             informational (default) | auth | marketing",
        "  --channel CHANNEL       sms (default) | push | chat",
        "  --text TEXT             literal text",
        "  --template ID           template id; fill it with --var NAME=VALUE (repeatable)",
        "  --key KEY               idempotency key: resubmitting with it is answered as a duplicate",
        "  --ttl SECONDS           expire undelivered after this long (default: engine's)",
        "  --wait                  print the message's receipts until a terminal state",
        "  --wait-timeout SECONDS  bound on --wait (default 30)",
        "",
        "query:",
        "  --status MESSAGE_ID     print the latest state of a message instead of sending",
        "",
        "connection:",
        "  --host HOST             default 127.0.0.1",
        "  --port PORT             default 7700",
        "  --tenant TENANT         default demo",
        "  --api-key KEY           default demo-key",
        "",
        "exit codes: 0 ok (with --wait: DELIVERED), 1 refused, failed or not delivered, 2 bad arguments,",
        "            3 no terminal state within --wait-timeout",
        "");

    private static final DateTimeFormatter TIME =
        DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final PrintStream out;
    private final PrintStream err;

    SendCommand(final PrintStream out, final PrintStream err)
    {
        this.out = out;
        this.err = err;
    }

    /**
     * Runs the command and exits with its code.
     *
     * @param args see {@code --help}.
     */
    public static void main(final String[] args)
    {
        // Keep library logging (Netty, the client) off stdout: WARN and above on stderr unless configured.
        if (System.getProperty("logback.configurationFile") == null)
        {
            System.setProperty("logback.configurationFile", "io/dispatch/client/cli/logback-cli.xml");
            System.setProperty("logback.statusListenerClass", "ch.qos.logback.core.status.NopStatusListener");
        }
        System.exit(new SendCommand(System.out, System.err).run(args));
    }

    int run(final String... args)
    {
        final SendArguments a;
        final Submit submit;
        final ClientConfig config;
        try
        {
            a = SendArguments.parse(args);
            if (a.mode == SendArguments.Mode.HELP)
            {
                out.print(USAGE);
                return EXIT_OK;
            }
            submit = a.mode == SendArguments.Mode.SEND ? a.toSubmit() : null;
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
            return submit == null ? status(client, a.statusId) : send(client, submit, a);
        }
        catch (final UncheckedIOException ex)
        {
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

    private int status(final DispatchClient client, final long messageId) throws InterruptedException
    {
        final StatusResult s = await(client.status(messageId));
        out.println("message " + s.messageId() + " " + s.state() + " attempts=" + s.attempts() +
            reason(s.reason()) + " channel=" + s.channel() + " kind=" + s.kind() + " updated " +
            TIME.format(Instant.ofEpochMilli(s.updatedAtEpochMs())));
        return EXIT_OK;
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
            "message " + id + " duplicate of earlier submit" : "message " + id + " accepted (journaled)");
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

    private static <T> T await(final CompletableFuture<T> future) throws InterruptedException
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

    private static String rootMessage(final Throwable t)
    {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root)
        {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
