package io.dispatch.it;

import io.dispatch.client.ClientConfig;
import io.dispatch.client.DispatchClient;
import io.dispatch.client.DispatchException;
import io.dispatch.client.StatusResult;
import io.dispatch.client.Submit;
import io.dispatch.client.SubmitResult;
import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.MessageKind;
import io.dispatch.testing.ChildEngine;
import io.dispatch.testing.TmpfsMount;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine (a child JVM) with its data on a really small file system, a 128 MiB tmpfs, filled up under load
 * through the Java client.
 * <ol>
 * <li>With the watcher off ({@code journal.minFreeBytes=0}) the journal writer itself meets the full disk: submits
 * are NACKed STORAGE_FULL, nothing else, the engine keeps answering; then kill -9.</li>
 * <li>Restarted on the full disk with the watcher on: submits are NACKed STORAGE_FULL; once space is freed they
 * are accepted again by themselves; kill -9 under load.</li>
 * <li>Restarted: every id ever ACKed is found by STATUS, and no id was ACKed twice.</li>
 * </ol>
 */
@Timeout(300)
class DiskFullIT
{
    private static final long FS_BYTES = 128L << 20;
    private static final long MIN_FREE_BYTES = 24L << 20;
    private static final String TEXT = "x".repeat(3000);
    private static final int WINDOW = 200;

    @TempDir
    Path tmp;

    private long sent;

    @Test
    void shouldNackStorageFullWhileTheDiskIsFullAndLoseNoAckedMessage() throws Exception
    {
        try (TmpfsMount fs = TmpfsMount.mount(tmp.resolve("fs"), FS_BYTES))
        {
            final Path data = fs.dir().resolve("data");
            final Path ballast = fs.dir().resolve("ballast");
            final List<Long> acked = new ArrayList<>();

            try (ChildEngine child = ChildEngine.start(data, "--set", "journal.minFreeBytes=0");
                DispatchClient c = connect(child))
            {
                acked.addAll(submit(c, WINDOW, null));
                // leave 20 MiB: the writer's reservation (8 MiB ahead) meets ENOSPC a few thousand messages later
                fs.fill(ballast, Files.getFileStore(fs.dir()).getUsableSpace() - (20L << 20));
                final Map<ErrorCode, Integer> nacks = new EnumMap<>(ErrorCode.class);
                while (nacks.getOrDefault(ErrorCode.STORAGE_FULL, 0) < 1000)
                {
                    acked.addAll(submit(c, WINDOW, nacks));
                    assertThat(sent).as("the disk never filled up").isLessThan(100_000);
                }
                assertThat(nacks.keySet()).as("NACK codes while the disk is full").containsOnly(ErrorCode.STORAGE_FULL);
                assertThat(acked).as("ACKs before the disk filled").hasSizeGreaterThan(1000);
                final StatusResult first = c.status(acked.get(0)).get(30, TimeUnit.SECONDS);
                assertThat(first.messageId()).as("the ring still answers").isEqualTo(acked.get(0));
                child.kill();
                assertThat(child.awaitExit(10_000)).isTrue();
            }

            try (ChildEngine child = ChildEngine.start(data, "--set", "journal.minFreeBytes=" + MIN_FREE_BYTES);
                DispatchClient c = connect(child))
            {
                final Map<ErrorCode, Integer> nacks = new EnumMap<>(ErrorCode.class);
                assertThat(submit(c, WINDOW, nacks)).as("ACKs on a full disk").isEmpty();
                assertThat(nacks).containsOnly(Map.entry(ErrorCode.STORAGE_FULL, WINDOW));

                Files.delete(ballast);
                final long resumeBy = System.currentTimeMillis() + 30_000;
                final Map<ErrorCode, Integer> polling = new EnumMap<>(ErrorCode.class);
                List<Long> resumed = submit(c, 1, polling);
                while (resumed.isEmpty())
                {
                    assertThat(System.currentTimeMillis()).as("submits accepted again after space was freed")
                        .isLessThan(resumeBy);
                    // the watcher polls four times a second; nothing to await remotely but its next poll
                    Thread.sleep(100);
                    resumed = submit(c, 1, polling);
                }
                acked.addAll(resumed);
                assertThat(polling.keySet()).as("NACKs until the watcher saw the space").containsOnly(ErrorCode.STORAGE_FULL);
                for (int i = 0; i < 10; i++)
                {
                    acked.addAll(submit(c, WINDOW, nacks));
                }
                assertThat(nacks).as("only the full-disk NACKs of before").containsOnly(Map.entry(ErrorCode.STORAGE_FULL, WINDOW));
                child.kill();
                assertThat(child.awaitExit(10_000)).isTrue();
            }

            assertThat(new HashSet<>(acked)).as("no id ACKed twice").hasSize(acked.size());
            try (ChildEngine child = ChildEngine.start(data);
                DispatchClient c = connect(child))
            {
                final List<Long> missing = new ArrayList<>();
                for (int from = 0; from < acked.size(); from += WINDOW)
                {
                    final List<Long> chunk = acked.subList(from, Math.min(acked.size(), from + WINDOW));
                    final List<CompletableFuture<StatusResult>> answers = new ArrayList<>();
                    for (final long id : chunk)
                    {
                        answers.add(c.status(id));
                    }
                    for (int i = 0; i < chunk.size(); i++)
                    {
                        try
                        {
                            answers.get(i).get(30, TimeUnit.SECONDS);
                        }
                        catch (final ExecutionException ex)
                        {
                            missing.add(chunk.get(i));
                        }
                    }
                }
                assertThat(missing).as("ACKed ids STATUS cannot find after kill -9 and restart").isEmpty();
            }
        }
    }

    private static DispatchClient connect(final ChildEngine child)
    {
        return DispatchClient.connect(ClientConfig.builder().port(child.port()).build());
    }

    /**
     * Submits {@code count} messages pipelined and waits for every answer.
     *
     * @param nacks counts NACK codes; null when every submit must be ACKed.
     * @return the ACKed ids.
     */
    private List<Long> submit(final DispatchClient c, final int count, final Map<ErrorCode, Integer> nacks)
        throws Exception
    {
        final List<CompletableFuture<SubmitResult>> answers = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            answers.add(c.submit(Submit.builder().kind(MessageKind.INFORMATIONAL).channel(ChannelType.SMS)
                .to("010" + (10_000_000 + sent++)).text(TEXT).build()));
        }
        final List<Long> acked = new ArrayList<>(count);
        for (final CompletableFuture<SubmitResult> answer : answers)
        {
            try
            {
                acked.add(answer.get(30, TimeUnit.SECONDS).messageId());
            }
            catch (final ExecutionException ex)
            {
                final DispatchException nack = (DispatchException)ex.getCause();
                assertThat(nacks).as("NACK %s where an ACK was expected", nack.code()).isNotNull();
                nacks.merge(nack.code(), 1, Integer::sum);
            }
        }
        return acked;
    }
}
