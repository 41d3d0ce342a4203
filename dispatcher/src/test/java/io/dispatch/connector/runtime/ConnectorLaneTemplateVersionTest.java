package io.dispatch.connector.runtime;

import io.dispatch.protocol.ChannelType;
import io.dispatch.protocol.MessageKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Templates are pinned by the journal: a message renders with the TEMPLATE version journaled last before it was
 * accepted, whatever the running configuration says now, and one whose template was removed since still renders.
 */
@Timeout(30)
class ConnectorLaneTemplateVersionTest
{
    @TempDir
    Path dir;

    @Test
    void shouldRenderEachMessageWithTheTemplateVersionInForceWhenItWasAccepted() throws Exception
    {
        try (LaneHarness h = new LaneHarness(dir, Map.of()))
        {
            version(h, "otp", "first text");
            final long first = h.acceptTemplated(MessageKind.AUTH, ChannelType.SMS, "01011112222", "otp");
            version(h, "otp", "second text");
            final long second = h.acceptTemplated(MessageKind.AUTH, ChannelType.SMS, "01033334444", "otp");
            version(h, "removed", "text of a template no longer configured");
            final long orphan = h.acceptTemplated(MessageKind.AUTH, ChannelType.SMS, "01055556666", "removed");

            final LaneHarness.Lane sms = h.lane(ChannelType.SMS);
            sms.submit(second, MessageKind.AUTH);
            sms.submit(first, MessageKind.AUTH);
            sms.submit(orphan, MessageKind.AUTH);
            sms.settle();

            assertThat(sms.provider().sent).extracting(ScriptedConnector.Sent::messageId, ScriptedConnector.Sent::text)
                .as("the configuration says 'configured text' now").containsExactly(
                    org.assertj.core.groups.Tuple.tuple(second, "second text"),
                    org.assertj.core.groups.Tuple.tuple(first, "first text"),
                    org.assertj.core.groups.Tuple.tuple(orphan, "text of a template no longer configured"));
        }
    }

    @Test
    void shouldRenderTheConfiguredTextWhenTheJournalHasNoVersionOfIt() throws Exception
    {
        try (LaneHarness h = new LaneHarness(dir, Map.of()))
        {
            final long id = h.acceptTemplated(MessageKind.AUTH, ChannelType.SMS, "01011112222", "otp");
            final LaneHarness.Lane sms = h.lane(ChannelType.SMS);
            sms.submit(id, MessageKind.AUTH);
            sms.settle();
            assertThat(sms.provider().sent).extracting(ScriptedConnector.Sent::text).containsExactly("configured text");
        }
    }

    /** Journals a template version as the engine does at start, and records it as recovery would. */
    private static void version(final LaneHarness h, final String id, final String text)
    {
        final byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
        final byte[] textBytes = text.getBytes(StandardCharsets.UTF_8);
        h.templates.versions().add(idBytes, h.writer.appendTemplate(idBytes, textBytes), textBytes);
    }
}
