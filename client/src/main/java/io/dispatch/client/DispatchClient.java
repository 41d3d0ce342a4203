package io.dispatch.client;

import io.dispatch.protocol.CampaignDescriptor;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.Reason;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.Frames;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reference client of the engine's binary protocol v1 (docs/protocol.md): one TCP connection, many requests in
 * flight, answers matched by correlation id.
 *
 * <pre>{@code
 * try (DispatchClient client = DispatchClient.connect(ClientConfig.builder().host("127.0.0.1").port(7700).build()))
 * {
 *     client.subscribeReceipts(Frames.SCOPE_CONNECTION, (id, state, attempts, reason, at) ->
 *         System.out.println(id + " " + state)).join();
 *     final SubmitResult result = client.submit(Submit.builder()
 *         .to("01012345678").template("otp").var("code", "123456").key("order-42-otp").build()).join();
 *     System.out.println("journaled as " + result.messageId());
 * }
 * catch (final CompletionException ex)
 * {
 *     if (ex.getCause() instanceof DispatchException failure && failure.retriable())
 *     {
 *         // resubmit later with the same key: the engine answers a duplicate if the first one got through
 *     }
 * }
 * }</pre>
 *
 * <b>Threading.</b> Every method is thread-safe and non-blocking except {@link #connect} and {@link #close}.
 * The client runs on one Netty I/O thread (its own, or one of {@link ClientConfig#eventLoopGroup()}): requests
 * are handed to it through a lock-free queue and written in batches with one flush; futures complete and
 * listeners run on it, so keep callbacks short, never block in them, and use the {@code *Async} stages of
 * {@link CompletableFuture} for heavy work.
 * <p>
 * <b>Flow control.</b> Every request but SUBSCRIBE and PING costs one credit (a DIRECTORY_UPDATE one per frame,
 * whatever its op count); the engine grants credit in HELLO_OK and CREDIT
 * frames. Without credit, requests wait locally, up to {@link ClientConfig#maxQueuedRequests()}; beyond it
 * they fail at once with {@link ErrorCode#BACKPRESSURE} ({@link DispatchException.Kind#LOCAL}). NACK
 * CREDIT_EXCEEDED or BACKPRESSURE from the engine is passed to the caller, never retried blindly.
 * <p>
 * <b>Failures and reconnects.</b> When the connection drops, requests in flight fail with
 * {@link DispatchException.Kind#CONNECTION_LOST} (their outcome is unknown: resubmit with the same idempotency
 * key), requests still waiting for credit stay queued, and the client reconnects with exponential backoff and
 * jitter, then subscribes receipts again. Every request fails with {@link DispatchException.Kind#TIMEOUT} if
 * not answered within {@link ClientConfig#requestTimeoutMs()} of being queued.
 */
public final class DispatchClient implements AutoCloseable
{
    /** {@link #subscribeInbound}: only what arrives from now on. */
    public static final long FROM_NOW = -1;

    private final ClientConfig config;
    private final ClientConductor conductor;
    private final EventLoopGroup ownedGroup;

    private DispatchClient(final ClientConfig config, final ClientConductor conductor, final EventLoopGroup ownedGroup)
    {
        this.config = config;
        this.conductor = conductor;
        this.ownedGroup = ownedGroup;
        if (ownedGroup != null)
        {
            conductor.closedFuture().whenComplete((ignored, error) ->
                ownedGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS));
        }
    }

    /**
     * Connects and completes the handshake; blocks until HELLO_OK. The first connection is not retried, even with
     * {@link ClientConfig#reconnect()}: the caller decides.
     *
     * @param config what to connect to and how.
     * @return a connected client.
     * @throws DispatchException     when the engine refuses the session (AUTH_FAILED, UNSUPPORTED_VERSION) or
     *                               does not answer HELLO within {@link ClientConfig#connectTimeoutMs()}.
     * @throws UncheckedIOException when the TCP connection fails (refused, unreachable, connect timeout).
     */
    public static DispatchClient connect(final ClientConfig config)
    {
        Objects.requireNonNull(config, "config");
        final EventLoopGroup owned = config.eventLoopGroup() != null ? null : new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("dispatch-client", true), NioIoHandler.newFactory());
        final EventLoopGroup group = owned != null ? owned : config.eventLoopGroup();
        final ClientConductor conductor = new ClientConductor(config, group.next());
        final DispatchClient client = new DispatchClient(config, conductor, owned);
        try
        {
            conductor.start().get(2 * config.connectTimeoutMs() + 1000, TimeUnit.MILLISECONDS);
            return client;
        }
        catch (final ExecutionException ex)
        {
            client.close();
            throw rethrow(ex.getCause());
        }
        catch (final TimeoutException ex)
        {
            client.close();
            throw new DispatchException(DispatchException.Kind.TIMEOUT, ErrorCode.INTERNAL,
                "no session with " + config.host() + ":" + config.port() + " in time", true);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            client.close();
            throw new DispatchException(DispatchException.Kind.CLOSED, ErrorCode.INTERNAL,
                "interrupted while connecting", true);
        }
    }

    /**
     * Submits one message.
     *
     * @param submit the message.
     * @return completes with the ACK, or exceptionally with a {@link DispatchException}; completed on the I/O
     * thread (or at once when refused locally).
     */
    public CompletableFuture<SubmitResult> submit(final Submit submit)
    {
        final FutureSubmitListener future = new FutureSubmitListener();
        conductor.offer(new SubmitRequest(Objects.requireNonNull(submit, "submit"), future));
        return future;
    }

    /**
     * Submits one message and reports to a listener: the low-overhead path (one small object per call).
     *
     * @param submit   the message.
     * @param listener told exactly once; see {@link SubmitListener} for the threads it runs on.
     */
    public void submit(final Submit submit, final SubmitListener listener)
    {
        conductor.offer(new SubmitRequest(
            Objects.requireNonNull(submit, "submit"), Objects.requireNonNull(listener, "listener")));
    }

    /**
     * Asks for the latest state of a message; costs one credit like a submit.
     *
     * @param messageId the id from the ACK.
     * @return completes with the state, or exceptionally (NACK NOT_FOUND, STATUS_EVICTED, ...).
     */
    public CompletableFuture<StatusResult> status(final long messageId)
    {
        final StatusRequest request = new StatusRequest(messageId);
        conductor.offer(request);
        return request.future;
    }

    /**
     * Subscribes to receipts; the subscription is restored automatically after a reconnect (scope
     * {@link Frames#SCOPE_CONNECTION} then covers messages submitted on the new connection only).
     *
     * @param scope    {@link Frames#SCOPE_CONNECTION} or {@link Frames#SCOPE_TENANT}.
     * @param listener receives every receipt of this connection (see {@link ReceiptListener}).
     * @return completes when the engine confirms (OK).
     */
    public CompletableFuture<Void> subscribeReceipts(final byte scope, final ReceiptListener listener)
    {
        return subscribeReceipts(scope, Frames.ALL_STATES, listener);
    }

    /**
     * Subscribes to receipts of some states only, e.g.
     * {@code Frames.stateMask(DeliveryState.PROVIDER_ACCEPTED, DeliveryState.DELIVERED)}: the engine filters,
     * so unwanted receipts cost no bandwidth.
     *
     * @param stateMask bit {@code n} set = receipts for state code {@code n}; {@link Frames#ALL_STATES} for all.
     */
    public CompletableFuture<Void> subscribeReceipts(final byte scope, final int stateMask, final ReceiptListener listener)
    {
        if (scope != Frames.SCOPE_CONNECTION && scope != Frames.SCOPE_TENANT)
        {
            throw new IllegalArgumentException("scope must be SCOPE_CONNECTION (0) or SCOPE_TENANT (1), was " + scope);
        }
        final SubscribeRequest request = new SubscribeRequest(
            scope, stateMask, Objects.requireNonNull(listener, "listener"), new CompletableFuture<>());
        conductor.offer(request);
        return request.future;
    }

    /**
     * Resumes the tenant's receipts after {@code afterPosition}, the position of the last receipt the caller
     * processed ({@link ReceiptListener#onReceipt(long, DeliveryState, int, Reason, long, ChannelType, long)}), or
     * from the start of the journal with 0: every receipt since, read from the engine's journal, then the new ones,
     * none twice. After a reconnect the client resumes by itself after the last receipt it received. Needs a
     * connection of its own (the engine refuses it on a connection that already subscribed receipts).
     *
     * @param stateMask bit {@code n} set = receipts for state code {@code n}; {@link Frames#ALL_STATES} for all.
     */
    public CompletableFuture<Void> resumeReceipts(final long afterPosition, final int stateMask,
        final ReceiptListener listener)
    {
        if (afterPosition < 0)
        {
            throw new IllegalArgumentException("afterPosition must be a receipt's position or 0, was " + afterPosition);
        }
        final SubscribeRequest request = new SubscribeRequest(Frames.SCOPE_TENANT, stateMask,
            Objects.requireNonNull(listener, "listener"), null, afterPosition, new CompletableFuture<>());
        conductor.offer(request);
        return request.future;
    }

    /**
     * Subscribes to the tenant's inbound messages and events (chat replies, SMS MO, consent events, 080 opt-outs).
     * After a reconnect the client resumes by itself after the last one it received; a {@link #FROM_NOW}
     * subscription that has received nothing yet starts from now again, so one that must not miss an event across
     * a reconnect subscribes with a position (0 for the start).
     *
     * @param afterPosition the position of the last {@link InboundMessage} processed, 0 for everything the journal
     *                      holds, or {@link #FROM_NOW} for only what arrives from now on.
     */
    public CompletableFuture<Void> subscribeInbound(final long afterPosition, final InboundListener listener)
    {
        if (afterPosition < FROM_NOW)
        {
            throw new IllegalArgumentException("afterPosition must be a position, 0 or FROM_NOW, was " + afterPosition);
        }
        final SubscribeRequest request = new SubscribeRequest(Frames.SCOPE_TENANT, Frames.ALL_STATES, null,
            Objects.requireNonNull(listener, "listener"), afterPosition, new CompletableFuture<>());
        conductor.offer(request);
        return request.future;
    }

    /**
     * Dry run: asks what the engine's policies would do with this message (send on which lane, defer until when,
     * suppress for which reason, or duplicate of which message) without journaling or sending it. Costs one
     * credit; takes no rate-limit token and counts against no frequency cap.
     */
    public CompletableFuture<Explanation> explain(final Submit submit)
    {
        final ExplainRequest request = new ExplainRequest(Objects.requireNonNull(submit, "submit"));
        conductor.offer(request);
        return request.future;
    }

    /**
     * Cancels a deferred message (scheduled, night-deferred or rate-deferred) by its id. A message already handed
     * to a connector cannot be cancelled: the result then says {@code cancelled=false}. An id that names no
     * message of this tenant fails with {@link DispatchException} {@code NOT_FOUND}.
     */
    public CompletableFuture<CancelResult> cancel(final long messageId)
    {
        final CancelRequest request = new CancelRequest(messageId, null);
        conductor.offer(request);
        return request.future;
    }

    /**
     * Cancels a deferred message by the idempotency key it was submitted with; a key this tenant never used fails with
     * {@link DispatchException} {@code NOT_FOUND}.
     */
    public CompletableFuture<CancelResult> cancelByKey(final String idempotencyKey)
    {
        final CancelRequest request = new CancelRequest(-1, Objects.requireNonNull(idempotencyKey, "idempotencyKey"));
        conductor.offer(request);
        return request.future;
    }

    /**
     * Updates a recipient's consent flags in the engine's directory; completes once journaled (the journal
     * keeps the time, tenant and {@code source} as evidence).
     *
     * @param channel   the channel, or null for every channel.
     * @param set       flags to set, {@code ConsentFlags}-style bits: 1 ad consent, 2 night-ad consent, 4 opted out.
     * @param clear     flags to clear.
     * @param source    free text evidence (at most 255 bytes), e.g. "signup-form" or "080-call".
     */
    public CompletableFuture<Void> updateConsent(
        final String recipient, final ChannelType channel, final int set, final int clear, final String source)
    {
        final ConsentRequest request = new ConsentRequest(channel == null ? 0 : channel.code(), set, clear,
            Objects.requireNonNull(recipient, "recipient"), source == null ? "" : source);
        conductor.offer(request);
        return request.future;
    }

    /**
     * Applies a batch of recipient-directory operations (DIRECTORY_UPDATE); costs one credit whatever the batch
     * size. Each op is applied whole or rejected by its index; the answer comes once the applied ops are journaled.
     * The batch's bytes are copied: it may be cleared and refilled as soon as this returns.
     *
     * @return completes with the applied count and the rejections, or exceptionally (NACK when the frame itself
     * is malformed: then nothing was applied; LOCAL FRAME_TOO_LARGE above the engine's frame cap).
     * @throws IllegalArgumentException when the batch is empty.
     */
    public CompletableFuture<DirectoryResult> updateDirectory(final DirectoryBatch batch)
    {
        if (batch.isEmpty())
        {
            throw new IllegalArgumentException("empty directory batch");
        }
        return offer(new DirectoryUpdateRequest(batch));
    }

    /**
     * Starts a campaign (CAMPAIGN), or with {@link Campaign.Builder#dryRun} explains it. Starting a campaign whose
     * name the tenant already used answers that campaign instead of starting a second one.
     *
     * @return completes with the campaign's id, state and first counters; exceptionally with a NACK naming the
     * field for a bad segment (with its position) or an unknown template.
     */
    public CompletableFuture<CampaignResult> startCampaign(final Campaign campaign)
    {
        return offer(CampaignRequest.start(Objects.requireNonNull(campaign, "campaign")));
    }

    /** Pauses, resumes or cancels a campaign (CAMPAIGN_CONTROL); completes with its new state and counters. */
    public CompletableFuture<CampaignResult> controlCampaign(final long campaignId, final CampaignAction action)
    {
        return offer(CampaignRequest.control(campaignId, Objects.requireNonNull(action, "action")));
    }

    /** Asks for a campaign's state and counters by id (CAMPAIGN_STATS); NACK NOT_FOUND when unknown. */
    public CompletableFuture<CampaignResult> campaignStats(final long campaignId)
    {
        if (campaignId <= 0)
        {
            throw new IllegalArgumentException("campaignId must be positive, was " + campaignId);
        }
        return offer(CampaignRequest.stats(campaignId, null));
    }

    /** Asks for a campaign's state and counters by name (CAMPAIGN_STATS); NACK NOT_FOUND when unknown. */
    public CompletableFuture<CampaignResult> campaignStats(final String name)
    {
        final int length = Objects.requireNonNull(name, "name").getBytes(StandardCharsets.UTF_8).length;
        if (length < 1 || length > CampaignDescriptor.MAX_NAME_LENGTH)
        {
            throw new IllegalArgumentException("name: " + length + " bytes UTF-8, allowed 1.." +
                CampaignDescriptor.MAX_NAME_LENGTH);
        }
        return offer(CampaignRequest.stats(0, name));
    }

    private <T> CompletableFuture<T> offer(final FutureRequest<T> request)
    {
        conductor.offer(request);
        return request.future;
    }

    /** @return completes with the round-trip time in nanoseconds of a PING/PONG. */
    public CompletableFuture<Long> ping()
    {
        final PingRequest request = new PingRequest();
        conductor.offer(request);
        return request.future;
    }

    /** @return the credit left in the send window (a snapshot; 0 while disconnected). */
    public int availableCredit()
    {
        return conductor.availableCredit();
    }

    /** @return SUBMIT and STATUS requests accepted but not yet written (waiting for credit or a connection). */
    public int queuedRequests()
    {
        return conductor.queuedRequests();
    }

    /** @return the last GOODBYE the engine sent on its own (it was stopping), or null if none came. */
    public EngineGoodbye lastGoodbye()
    {
        return conductor.lastGoodbye();
    }

    /** @return true while a session is established (false during reconnects and after close). */
    public boolean isConnected()
    {
        return conductor.isConnected();
    }

    /** @return the configuration this client runs with. */
    public ClientConfig config()
    {
        return config;
    }

    /**
     * Closes the client: requests already queued are still sent as credit allows, then GOODBYE, then the
     * client waits for the answers owed, all within {@link ClientConfig#closeTimeoutMs()}; what is left fails
     * with {@link DispatchException.Kind#CLOSED}. New requests fail at once. Idempotent. Called on the client's
     * I/O thread (from a callback) it starts the sequence and returns without waiting.
     */
    @Override
    public void close()
    {
        final CompletableFuture<Void> closed = conductor.requestClose();
        if (conductor.inEventLoop())
        {
            return;
        }
        try
        {
            closed.get(config.closeTimeoutMs() + 2000, TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        catch (final ExecutionException | TimeoutException ex)
        {
            ErrorLog.LOG.warn("close of the client for {}:{} did not complete: {}", config.host(), config.port(), ex);
        }
        if (ownedGroup != null)
        {
            ownedGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3000);
        }
    }

    private static RuntimeException rethrow(final Throwable cause)
    {
        if (cause instanceof DispatchException)
        {
            final DispatchException failure = (DispatchException)cause;
            // A fresh instance so that the stack trace shows the caller of connect(), not the I/O thread.
            return new DispatchException(failure.kind(), failure.code(), failure.detail(), true);
        }
        if (cause instanceof UncheckedIOException)
        {
            return new UncheckedIOException(cause.getMessage(), ((UncheckedIOException)cause).getCause());
        }
        if (cause instanceof IOException)
        {
            return new UncheckedIOException(cause.getMessage(), (IOException)cause);
        }
        return cause instanceof RuntimeException ? (RuntimeException)cause : new IllegalStateException(cause);
    }
}
