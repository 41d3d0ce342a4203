package io.dispatch.admin;

import com.lmax.disruptor.EventTranslatorThreeArg;
import com.lmax.disruptor.RingBuffer;
import io.dispatch.config.TenantRegistry;
import io.dispatch.journal.AcceptedRecord;
import io.dispatch.journal.DeadLetterScan;
import io.dispatch.journal.Journal;
import io.dispatch.journal.JournalReader;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.DeliveryState;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.Reason;
import io.dispatch.protocol.SubmitDescriptor;
import io.dispatch.ring.DispatchEvent;
import io.dispatch.ring.RingPort;
import io.dispatch.route.AdminReply;
import io.dispatch.route.AdminRoute;
import io.dispatch.status.LaneAdmission;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * {@code POST /redrive?from=&to=&reason=&channel=&tenant=&campaign=&max=[&explain=true]} resends dead letters (the
 * FAILED, EXPIRED and REJECTED messages in the journal) through the ring, so every policy decides them again; {@code
 * GET /redrive} shows the last job. A job runs on a thread of its own (a journal scan must not hold up the admin
 * thread, which also answers health probes), one at a time.
 * <p>
 * A resend is a new message: the original SUBMIT body from its ACCEPTED record with the idempotency key replaced by
 * {@code redrive:<original id>} and the send-at cleared. The key journals the origin with the copy, lets a later scan
 * skip originals already redriven, and makes a racing second redrive a DUPLICATE in the dedup stage.
 */
public final class RedriveRoute implements AdminRoute, AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(RedriveRoute.class);
    static final int DEFAULT_MAX = 10_000;
    static final int MAX_MAX = 1_000_000;
    private static final String USAGE = "POST /redrive?[from=ISO-8601][&to=ISO-8601][&reason=REASON][&channel=sms|push|chat|talktalk|messenger]"
        + "[&tenant=NAME][&campaign=ID][&max=N][&explain=true], GET /redrive for the last job";

    private final Journal journal;
    /** Fills a slot with the copy of a dead letter as a SUBMIT under key {@code redrive:<id>}, nobody to answer. */
    static final EventTranslatorThreeArg<DispatchEvent, AcceptedRecord, byte[], TenantRegistry> REDRIVE =
        RedriveRoute::translate;

    private final RingBuffer<DispatchEvent> ring;
    private final RingPort port;
    private final TenantRegistry tenants;
    private final LaneAdmission[] admissionByChannel;
    private final BooleanSupplier storageFull;
    private volatile Job last;
    private volatile boolean closed;
    private volatile Thread worker;
    private long jobs;

    public RedriveRoute(
        final Journal journal, final RingBuffer<DispatchEvent> ring, final RingPort port, final TenantRegistry tenants,
        final LaneAdmission[] admissionByChannel, final BooleanSupplier storageFull)
    {
        this.storageFull = storageFull;
        this.journal = journal;
        this.ring = ring;
        this.port = port;
        this.tenants = tenants;
        this.admissionByChannel = admissionByChannel;
    }

    @Override
    public AdminReply handle(final String method, final QueryStringDecoder uri)
    {
        if (!uri.path().equals("/redrive"))
        {
            return new AdminReply(404, USAGE + "\n");
        }
        if (method.equals("GET"))
        {
            final Job job = last;
            return AdminReply.ok(job == null ? "{\"state\":\"none\"}\n" : job.json());
        }
        if (!method.equals("POST"))
        {
            return new AdminReply(405, USAGE + "\n");
        }
        final Job job;
        try
        {
            job = parse(uri);
        }
        catch (final IllegalArgumentException ex)
        {
            return AdminReply.badRequest(ex.getMessage() + "; " + USAGE);
        }
        if (!job.explain && storageFull.getAsBoolean())
        {
            return new AdminReply(503, "the journal's disk is below journal.minFreeBytes: free space first"
                + " (explain=true still counts)\n");
        }
        final Job running = last;
        if (running != null && !running.done)
        {
            return new AdminReply(409, "redrive job " + running.id + " is still running; GET /redrive\n");
        }
        last = job;
        worker = new Thread(job, "redrive-" + job.id);
        worker.setDaemon(true);
        worker.start();
        return new AdminReply(202, job.json());
    }

    private Job parse(final QueryStringDecoder uri)
    {
        final Map<String, List<String>> p = uri.parameters();
        for (final String key : p.keySet())
        {
            if (!List.of("from", "to", "reason", "channel", "tenant", "campaign", "max", "explain").contains(key))
            {
                throw new IllegalArgumentException(key + ": unknown parameter");
            }
        }
        final Job job = new Job(++jobs);
        job.fromMs = time("from", first(p, "from"), 0);
        job.toMs = time("to", first(p, "to"), Long.MAX_VALUE);
        final String reason = first(p, "reason");
        job.reason = reason == null ? null : enumValue("reason", reason, Reason.class);
        final String channel = first(p, "channel");
        job.channel = channel == null ? null : enumValue("channel", channel, ChannelType.class);
        job.tenant = first(p, "tenant");
        if (job.tenant != null && tenants.idOf(job.tenant) == 0)
        {
            throw new IllegalArgumentException("tenant: unknown tenant '" + job.tenant + "'");
        }
        job.campaign = number("campaign", first(p, "campaign"), 0, 1, Long.MAX_VALUE);
        job.max = (int)number("max", first(p, "max"), DEFAULT_MAX, 1, MAX_MAX);
        final String explain = first(p, "explain");
        if (explain != null && !explain.equals("true") && !explain.equals("false"))
        {
            throw new IllegalArgumentException("explain must be true or false, was '" + explain + "'");
        }
        job.explain = "true".equals(explain);
        return job;
    }

    @Override
    public void close()
    {
        closed = true;
        final Thread t = worker;
        if (t != null)
        {
            try
            {
                t.join(TimeUnit.SECONDS.toMillis(5));
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** One redrive. Written by its thread only; the admin thread reads a consistent-enough snapshot for display. */
    private final class Job implements Runnable
    {
        final long id;
        long fromMs;
        long toMs;
        Reason reason;
        ChannelType channel;
        String tenant;
        long campaign;
        int max;
        boolean explain;

        volatile boolean done;
        volatile String error;
        volatile long documents;
        volatile long matched;
        volatile long alreadyRedriven;
        volatile long skipped;
        volatile long selected;
        volatile long published;
        volatile boolean truncated;
        final Map<String, Long> byReason = new TreeMap<>();

        Job(final long id)
        {
            this.id = id;
        }

        @Override
        public void run()
        {
            try (JournalReader reader = journal.newReader())
            {
                final DeadLetterScan scan = new DeadLetterScan(fromMs, toMs, reason == null ? -1 : reason.code(),
                    channel == null ? 0 : (byte)channel.code(), MAX_MAX);
                documents = reader.scanFromStart(scan, new AcceptedRecord());
                truncated = scan.truncated;
                final AcceptedRecord r = new AcceptedRecord();
                for (int i = 0; i < scan.candidates.size() && !closed; i++)
                {
                    final long messageId = scan.candidates.getLong(i);
                    if (!reader.readAccepted(messageId, r) || (tenant != null && !tenant.equals(r.tenant()))
                        || (campaign != 0 && r.campaignId != campaign))
                    {
                        continue;
                    }
                    matched++;
                    if (scan.redriven.contains(messageId))
                    {
                        alreadyRedriven++;
                        continue;
                    }
                    final int tenantId = tenants.idOf(r.tenant());
                    if (tenantId == 0 || admissionByChannel[r.channel] == null)
                    {
                        skipped++; // its tenant or its lane is no longer configured
                        continue;
                    }
                    if (selected == max)
                    {
                        truncated = true;
                        break;
                    }
                    selected++;
                    final int d = scan.details.getInt(i);
                    final int cause = scan.causes.getInt(i);
                    final String key = DeliveryState.of(d >>> 24 & 0xFF) + " " + Reason.of(d & 0xFFFF)
                        + (cause < 0 ? "" : " after " + Reason.of(cause));
                    synchronized (byReason)
                    {
                        byReason.merge(key, 1L, Long::sum);
                    }
                    if (!explain && storageFull.getAsBoolean())
                    {
                        // the journal stage would refuse the copies: stop; a rerun carries on from here
                        throw new IllegalStateException("the journal's disk fell below journal.minFreeBytes after "
                            + published + " copies; free space and run it again");
                    }
                    if (!explain && publish(messageId, r))
                    {
                        published++;
                    }
                }
                LOG.info("event=redrive_done job={} explain={} matched={} already_redriven={} selected={} published={}",
                    id, explain, matched, alreadyRedriven, selected, published);
            }
            catch (final IllegalStateException ex)
            {
                error = ex.getMessage();
                LOG.warn("event=redrive_stopped job={} reason=\"{}\"", id, ex.getMessage());
            }
            catch (final RuntimeException ex)
            {
                error = ex.toString();
                LOG.warn("event=redrive_failed job={} error={}", id, ex.toString());
            }
            finally
            {
                done = true;
            }
        }

        /** Publishes the copy as a SUBMIT, waiting for room in the ring and the lane as a client would. */
        private boolean publish(final long originalId, final AcceptedRecord r)
        {
            final byte[] key = (DeadLetterScan.KEY_PREFIX + originalId).getBytes(StandardCharsets.US_ASCII);
            final boolean isPriority = r.kind != MessageKind.MARKETING.code();
            final LaneAdmission admission = admissionByChannel[r.channel];
            while (!closed)
            {
                if (port.hasRoom(ring) && admission.tryAcquire(isPriority))
                {
                    if (port.tryPublish(ring, REDRIVE, r, key, tenants) != RingPort.NO_ROOM)
                    {
                        return true;
                    }
                    admission.release(isPriority);
                }
                // a redrive yields to live traffic: it takes room only below the ring's high-water mark
                LockSupport.parkNanos(1_000_000);
            }
            return false;
        }

        String json()
        {
            final StringBuilder sb = new StringBuilder(512);
            sb.append("{\"job\":").append(id).append(",\"state\":\"").append(done ? error == null ? "done" : "failed" : "running")
                .append("\",\"explain\":").append(explain)
                .append(",\"filter\":{\"from\":\"").append(fromMs == 0 ? "-" : Instant.ofEpochMilli(fromMs).toString())
                .append("\",\"to\":\"").append(toMs == Long.MAX_VALUE ? "-" : Instant.ofEpochMilli(toMs).toString())
                .append("\",\"reason\":\"").append(reason == null ? "-" : reason.name())
                .append("\",\"channel\":\"").append(channel == null ? "-" : channel.name().toLowerCase(Locale.ROOT))
                .append("\",\"tenant\":\"").append(tenant == null ? "-" : tenant)
                .append("\",\"campaign\":").append(campaign).append(",\"max\":").append(max)
                .append("},\"documents_read\":").append(documents)
                .append(",\"matched\":").append(matched)
                .append(",\"already_redriven\":").append(alreadyRedriven)
                .append(",\"skipped\":").append(skipped)
                .append(",\"selected\":").append(selected)
                .append(",\"published\":").append(published)
                .append(",\"truncated\":").append(truncated)
                .append(",\"by_state_reason\":{");
            synchronized (byReason)
            {
                boolean firstEntry = true;
                for (final Map.Entry<String, Long> e : byReason.entrySet())
                {
                    sb.append(firstEntry ? "" : ",").append('"').append(e.getKey()).append("\":").append(e.getValue());
                    firstEntry = false;
                }
            }
            sb.append('}');
            if (error != null)
            {
                sb.append(",\"error\":\"").append(error.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            }
            return sb.append("}\n").toString();
        }
    }

    private static void translate(
        final DispatchEvent e, final long sequence, final AcceptedRecord r, final byte[] key, final TenantRegistry tenants)
    {
        e.reset(DispatchEvent.SUBMIT);
        final int keyAt = SubmitDescriptor.FIXED_LENGTH;
        final int oldKeyLength = r.body[keyAt] & 0xFF;
        final int restAt = keyAt + 1 + oldKeyLength;
        final int rest = r.bodyLength - restAt;
        final int length = keyAt + 1 + key.length + rest;
        final byte[] b = e.ensureBodyCapacity(length);
        System.arraycopy(r.body, 0, b, 0, keyAt);
        for (int i = SubmitDescriptor.SEND_AT_OFFSET; i < SubmitDescriptor.SEND_AT_OFFSET + 8; i++)
        {
            b[i] = 0; // the original send-at is past: the copy goes now
        }
        b[keyAt] = (byte)key.length;
        System.arraycopy(key, 0, b, keyAt + 1, key.length);
        System.arraycopy(r.body, restAt, b, keyAt + 1 + key.length, rest);
        e.bodyLength = length;
        e.tenantId = tenants.idOf(r.tenant()); // a known tenant: the job skipped the others
        e.kind = r.kind;
        e.channel = r.channel;
        // consent is decided afresh from the engine's consent records (consentOverride stays -1), not the directory
        // flags a campaign saw
    }

    private static String first(final Map<String, List<String>> p, final String name)
    {
        final List<String> v = p.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static long time(final String name, final String value, final long dflt)
    {
        if (value == null)
        {
            return dflt;
        }
        try
        {
            return OffsetDateTime.parse(value).toInstant().toEpochMilli();
        }
        catch (final DateTimeParseException ex)
        {
            throw new IllegalArgumentException(name + " must be an ISO-8601 time with offset (2026-12-07T14:02:00+09:00"
                + " or ...Z), was '" + value + "'");
        }
    }

    private static <E extends Enum<E>> E enumValue(final String name, final String value, final Class<E> type)
    {
        try
        {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException(name + ": unknown value '" + value + "'; one of "
                + java.util.Arrays.toString(type.getEnumConstants()));
        }
    }

    private static long number(final String name, final String value, final long dflt, final long min, final long max)
    {
        if (value == null)
        {
            return dflt;
        }
        try
        {
            final long n = Long.parseLong(value);
            if (n >= min && n <= max)
            {
                return n;
            }
        }
        catch (final NumberFormatException ignore)
        {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be a number in " + min + ".." + max + ", was '" + value + "'");
    }
}
