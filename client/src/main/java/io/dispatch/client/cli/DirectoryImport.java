package io.dispatch.client.cli;

import io.dispatch.client.DirectoryBatch;
import io.dispatch.client.DirectoryResult;
import io.dispatch.client.DispatchException;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * The import loop: reads rows, turns each good one into an UPSERT op ({@link ProfileEncoder}), fills
 * DIRECTORY_UPDATE batches and keeps up to {@code maxInFlight} of them in flight, matching each answer's
 * rejections back to file lines. Bad rows are reported and never sent. Memory stays bounded by the batches in
 * flight, whatever the file size.
 * <p>
 * A batch that fails for a transient reason (connection lost, timeout, BACKPRESSURE...) is sent again, up to
 * {@link #MAX_ATTEMPTS} times: every op is an UPSERT with absolute consent flags, so applying it twice is
 * harmless. Any other failure stops the import; running it again is safe for the same reason.
 * <p>
 * <b>Note:</b> single-threaded: answers are awaited on the calling thread, in send order.
 */
final class DirectoryImport
{
    /** Sends one batch; the client's {@code updateDirectory} in production. */
    interface Sink
    {
        CompletableFuture<DirectoryResult> send(DirectoryBatch batch);
    }

    static final int MAX_ATTEMPTS = 5;
    private static final long ANSWER_BACKSTOP_MINUTES = 5;

    private final RowSource source;
    private final ProfileEncoder encoder;
    private Sink sink;
    private final ImportReport report;
    private final ImportProgress progress;
    private final LongSupplier bytesRead;
    private final LongSupplier nanoClock;
    private final int batchSize;
    private final int maxInFlight;
    private final ArrayDeque<Pending> inFlight = new ArrayDeque<>();
    private final ArrayDeque<Pending> free = new ArrayDeque<>();
    private Pending filling;
    private long rowsRead;
    private long applied;

    /** A batch and the file line of each of its ops. */
    private static final class Pending
    {
        final DirectoryBatch batch;
        final long[] lines;
        CompletableFuture<DirectoryResult> answer;

        Pending(final int maxFrameLength, final int batchSize)
        {
            batch = new DirectoryBatch(maxFrameLength);
            lines = new long[batchSize];
        }
    }

    /**
     * @param sink        null for {@code --check}: validate only (see {@link #sendingTo}).
     * @param bytesRead   bytes of the file read so far, for the progress.
     * @param batchSize   ops per DIRECTORY_UPDATE, 1..1024.
     * @param maxInFlight batches sent and not yet answered, at least 1.
     */
    DirectoryImport(final RowSource source, final ProfileEncoder encoder, final Sink sink, final ImportReport report,
        final ImportProgress progress, final LongSupplier bytesRead, final LongSupplier nanoClock, final int batchSize,
        final int maxInFlight, final int maxFrameLength)
    {
        this.source = source;
        this.encoder = encoder;
        this.sink = sink;
        this.report = report;
        this.progress = progress;
        this.bytesRead = bytesRead;
        this.nanoClock = nanoClock;
        this.batchSize = batchSize;
        this.maxInFlight = maxInFlight;
        for (int i = 0; i <= maxInFlight; i++)
        {
            free.add(new Pending(maxFrameLength, batchSize));
        }
        filling = free.poll();
    }

    /** @return this import, sending its batches to {@code sink} instead of only validating. */
    DirectoryImport sendingTo(final Sink sink)
    {
        this.sink = sink;
        return this;
    }

    ImportSummary run() throws IOException, InterruptedException
    {
        String failure = null;
        try
        {
            ImportRow row;
            while ((row = source.next()) != null)
            {
                rowsRead++;
                final String problem = row.problem() != null ? row.problem() : encoder.encode(row);
                if (problem != null)
                {
                    report.skipped(row.line(), problem);
                }
                else
                {
                    add(row.line());
                }
                progress.update(rowsRead, bytesRead.getAsLong(), report.skippedCount() + report.rejectedCount());
            }
            send();
            while (!inFlight.isEmpty())
            {
                complete(inFlight.poll());
            }
        }
        catch (final ImportStopped ex)
        {
            failure = ex.getMessage();
        }
        progress.clear();
        return new ImportSummary(rowsRead, applied, report.rejectedCount(), report.skippedCount(),
            nanoClock.getAsLong() - progress.startNs(), failure);
    }

    private void add(final long line) throws InterruptedException
    {
        if (!filling.batch.tryAdd(encoder.writer()))
        {
            send();
            filling.batch.tryAdd(encoder.writer());
        }
        filling.lines[filling.batch.size() - 1] = line;
        if (filling.batch.size() == batchSize)
        {
            send();
        }
    }

    private void send() throws InterruptedException
    {
        if (filling.batch.isEmpty())
        {
            return;
        }
        if (sink == null)
        {
            applied += filling.batch.size();
            filling.batch.clear();
            return;
        }
        filling.answer = sink.send(filling.batch);
        inFlight.add(filling);
        while (inFlight.size() >= maxInFlight)
        {
            complete(inFlight.poll());
        }
        filling = free.poll();
    }

    /** Waits for one batch's answer, reports its rejections by line, and recycles it. */
    private void complete(final Pending p) throws InterruptedException
    {
        final DirectoryResult result = await(p);
        applied += result.applied();
        for (final DirectoryResult.Rejection r : result.rejections())
        {
            final long line = r.index() >= 0 && r.index() < p.batch.size() ? p.lines[r.index()] : -1;
            report.rejected(line, r.problem() + " (" + r.code() + ")");
        }
        p.batch.clear();
        p.answer = null;
        free.add(p);
    }

    private DirectoryResult await(final Pending p) throws InterruptedException
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return p.answer.get(ANSWER_BACKSTOP_MINUTES, TimeUnit.MINUTES);
            }
            catch (final ExecutionException ex)
            {
                final DispatchException failure = ex.getCause() instanceof DispatchException ?
                    (DispatchException)ex.getCause() : null;
                if (failure == null || !isTransient(failure) || attempt == MAX_ATTEMPTS)
                {
                    throw new ImportStopped("batch of lines " + p.lines[0] + ".." + p.lines[p.batch.size() - 1] +
                        " failed" + (attempt > 1 ? " after " + attempt + " attempts" : "") + ": " +
                        (failure != null ? SendCommand.describe(failure) : String.valueOf(ex.getCause())));
                }
                Thread.sleep(Math.min(2000, 100L << attempt));
                p.answer = sink.send(p.batch);
            }
            catch (final TimeoutException ex)
            {
                throw new ImportStopped("no answer to the batch of lines " + p.lines[0] + ".." +
                    p.lines[p.batch.size() - 1] + " within " + ANSWER_BACKSTOP_MINUTES + " minutes");
            }
        }
    }

    private static boolean isTransient(final DispatchException failure)
    {
        switch (failure.kind())
        {
            case CONNECTION_LOST:
            case TIMEOUT:
                return true;
            case NACK:
            case ERROR:
                return failure.code().retriable();
            default:
                return false;
        }
    }

    /** Stops the import: the rest of the file is not read. */
    private static final class ImportStopped extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        ImportStopped(final String message)
        {
            super(message, null, false, false);
        }
    }
}
