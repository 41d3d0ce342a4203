package io.dispatch.connector.smpp;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The bind password appears in no log line (shipped logback.xml levels), neither on success nor on refusal. */
@Timeout(60)
class SmppSecretLoggingTest
{
    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path dir;

    private static final String PASSWORD = "pw7Zq!x";

    @Test
    void shouldNeverLogThePassword() throws Exception
    {
        final Logger root = (Logger)LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        final ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        root.addAppender(appender);
        try (SmscSimulator smsc = new SmscSimulator("esme", PASSWORD))
        {
            final Map<String, String> env = new HashMap<>();
            env.put("SMSC_PW", PASSWORD);
            final Map<String, String> s = new HashMap<>();
            s.put("host", "127.0.0.1");
            s.put("port", Integer.toString(smsc.port()));
            s.put("systemId", "esme");
            s.put("passwordEnv", "SMSC_PW");
            s.put("reconnectInitialMs", "50");
            final CapturingLane lane = new CapturingLane(dir);

            final SmppConnector good = new SmppConnector(SmppSettings.parse(s, env::get));
            good.start(lane);
            assertThat(good.version()).doesNotContain(PASSWORD);
            smsc.dropBinds();
            SmppConnectorTest.awaitTrue(() -> smsc.bindsAccepted() == 2, "rebound");
            good.stop();

            smsc.refuseBinds(0x0E);
            final SmppConnector refused = new SmppConnector(SmppSettings.parse(s, env::get));
            assertThatThrownBy(() -> refused.start(lane)).hasMessageNotContaining(PASSWORD);
        }
        finally
        {
            root.detachAppender(appender);
        }
        final String hex = HexFormat.of().formatHex(PASSWORD.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        final List<ILoggingEvent> events;
        synchronized (appender) // jSMPP threads may still be logging their sessions' end; appends hold this lock
        {
            events = new ArrayList<>(appender.list);
        }
        assertThat(events).isNotEmpty();
        for (final ILoggingEvent e : events)
        {
            final String text = e.getFormattedMessage()
                + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy()));
            assertThat(text).doesNotContain(PASSWORD).doesNotContainIgnoringCase(hex);
        }
    }
}
