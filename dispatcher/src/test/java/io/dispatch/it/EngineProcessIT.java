package io.dispatch.it;

import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.MessageKind;
import io.dispatch.protocol.MessageType;
import io.dispatch.testing.ChildEngine;
import io.dispatch.testing.RawConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine process as a new user meets it (scripts/dispatcher runs DispatcherMain): a setup mistake ends the
 * process at once with exit code 2 and one line naming the key and the fix, never a stack trace; a second
 * engine on a data dir in use fails before it reads the journal.
 */
@Timeout(180)
class EngineProcessIT
{
    private static final long EXIT_TIMEOUT_MS = 60_000;

    @TempDir
    Path dir;

    @Test
    void shouldRefuseASecondEngineOnADataDirInUseBeforeReadingTheJournal() throws Exception
    {
        final Path data = dir.resolve("data");
        try (ChildEngine first = ChildEngine.start(data))
        {
            final ChildEngine.Exit second = ChildEngine.runToExit(data, EXIT_TIMEOUT_MS);

            assertThat(second.code()).isEqualTo(2);
            assertOneLineError(second, "configuration key 'data.dir': " + data.toAbsolutePath() +
                " is in use by another engine (pid " + first.pid() + "); stop that engine first");
            assertThat(second.text()).as("failed before the journal was read").doesNotContain("event=recovery_done");
            // the first engine was not disturbed
            try (RawConnection c = RawConnection.open(first.port(), "demo", "demo-key"))
            {
                c.submit(1, MessageKind.INFORMATIONAL, ChannelType.SMS, "", "01012345678", "still here");
                assertThat(c.read().type).isEqualTo(MessageType.ACK);
            }
        }
    }

    @Test
    void clusterKeysPointToTheClusterCommand() throws Exception
    {
        final ChildEngine.Exit exit = ChildEngine.runToExit(dir.resolve("data"), EXIT_TIMEOUT_MS,
            "--set", "cluster.bootstrapServers=127.0.0.1:9092");

        assertThat(exit.code()).isEqualTo(2);
        assertOneLineError(exit, "configuration key 'cluster.bootstrapServers': cluster mode runs with scripts/cluster" +
            " node, not scripts/dispatcher (docs/cluster.md)");
    }

    @Test
    void shouldNameATakenProtocolPortAndExit() throws Exception
    {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress()))
        {
            final ChildEngine.Exit exit = ChildEngine.runToExit(dir.resolve("data"), EXIT_TIMEOUT_MS,
                "--port", Integer.toString(taken.getLocalPort()));

            assertThat(exit.code()).isEqualTo(2);
            assertOneLineError(exit, "configuration key 'ingest.port': 127.0.0.1:" + taken.getLocalPort() + " is taken");
            assertThat(exit.text()).contains("choose a free port with --port N");
        }
    }

    @Test
    void shouldNameATakenAdminPortAndExit() throws Exception
    {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress()))
        {
            final ChildEngine.Exit exit = ChildEngine.runToExit(dir.resolve("data"), EXIT_TIMEOUT_MS,
                "--admin-port", Integer.toString(taken.getLocalPort()));

            assertThat(exit.code()).isEqualTo(2);
            assertOneLineError(exit, "configuration key 'admin.port': 127.0.0.1:" + taken.getLocalPort() + " is taken");
            assertThat(exit.text()).contains("--admin-port N");
        }
    }

    @Test
    void shouldNameADataDirItCannotWrite() throws Exception
    {
        // a file where the directory should be (the tests may run as root, whom permissions do not stop)
        final Path file = Files.writeString(dir.resolve("not-a-dir"), "x");

        final ChildEngine.Exit exit = ChildEngine.runToExit(dir.resolve("data"), EXIT_TIMEOUT_MS,
            "--data-dir", file.toString());

        assertThat(exit.code()).isEqualTo(2);
        assertOneLineError(exit, "configuration key 'data.dir': cannot use " + file.toAbsolutePath()
            + " (it is a file, not a directory)");
        assertThat(exit.text()).contains("choose another with --data-dir");
    }

    @Test
    void shouldRejectAMisspeltKeyWithTheKeyItMeant() throws Exception
    {
        final ChildEngine.Exit exit = ChildEngine.runToExit(dir.resolve("data"), EXIT_TIMEOUT_MS,
            "--set", "journal.fsnyc=batch");

        assertThat(exit.code()).isEqualTo(2);
        assertOneLineError(exit, "configuration key 'journal.fsnyc': unknown key; did you mean 'journal.fsync'?");
    }

    @Test
    void shouldRejectAnUnknownKeyInTheConfigFile() throws Exception
    {
        final Path config = Files.writeString(dir.resolve("engine.properties"),
            "ingest.ioThreads=1\ncolour.scheme=dark\n");

        final ChildEngine.Exit exit = ChildEngine.runToExit(dir.resolve("data"), EXIT_TIMEOUT_MS,
            "--config", config.toString());

        assertThat(exit.code()).isEqualTo(2);
        assertOneLineError(exit, "configuration key 'colour.scheme': unknown key (every key is in docs/configuration.md)");
    }

    /** The problem is one line starting with "error: "; no stack trace anywhere in the output. */
    private static void assertOneLineError(final ChildEngine.Exit exit, final String expected)
    {
        assertThat(exit.output()).as(exit.text()).anySatisfy(line -> assertThat(line).startsWith("error: " + expected));
        assertThat(exit.output()).as("no stack trace").noneMatch(line -> line.startsWith("\tat ") || line.contains("Exception:"));
    }
}
