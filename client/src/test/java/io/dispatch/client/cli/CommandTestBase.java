package io.dispatch.client.cli;

import io.dispatch.client.ScriptedPeer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A command run against a {@link ScriptedPeer} on loopback, with its stdout and stderr captured. Time-bounded. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class CommandTestBase
{
    protected ScriptedPeer peer;
    protected final ByteArrayOutputStream out = new ByteArrayOutputStream();
    protected final ByteArrayOutputStream err = new ByteArrayOutputStream();
    protected final PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
    protected final PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);

    @BeforeEach
    void startPeer() throws InterruptedException
    {
        peer = new ScriptedPeer();
    }

    @AfterEach
    void stopPeer()
    {
        peer.close();
        assertThat(peer.violations).as("protocol violations seen by the peer").isEmpty();
    }

    protected String stdout()
    {
        return out.toString(StandardCharsets.UTF_8);
    }

    protected String stderr()
    {
        return err.toString(StandardCharsets.UTF_8);
    }
}
