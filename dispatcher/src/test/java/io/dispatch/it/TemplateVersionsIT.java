package io.dispatch.it;

import io.dispatch.Dispatcher;
import io.dispatch.config.Settings;
import io.dispatch.journal.AcceptedRecord;
import io.dispatch.journal.Journal;
import io.dispatch.journal.JournalReader;
import io.dispatch.testing.EngineFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine journals a template's text at start only when it is new or changed since the last journaled version, so
 * every accepted message is pinned to the version before it in the journal (rendering:
 * {@code ConnectorLaneTemplateVersionTest}).
 */
@Timeout(90)
class TemplateVersionsIT
{
    @TempDir
    Path dir;

    @Test
    void shouldJournalATemplateVersionOnlyWhenTheConfigurationChangesIt() throws Exception
    {
        start(EngineFixture.settings(dir));
        final List<String> first = templates();
        assertThat(first).as("one version of each configured template").hasSize(3)
            .anyMatch(t -> t.startsWith("otp="));

        start(EngineFixture.settings(dir));
        assertThat(templates()).as("unchanged: nothing journaled").isEqualTo(first);

        start(EngineFixture.settings(dir).set("template.otp", "Your new code is #{code}"));
        final List<String> after = templates();
        assertThat(after).hasSize(4).startsWith(first.toArray(new String[0]));
        assertThat(after.get(3)).isEqualTo("otp=Your new code is #{code}");
    }

    private static void start(final Settings settings) throws Exception
    {
        try (Dispatcher ignored = EngineFixture.launch(settings))
        {
            // started: its template changes are journaled before anything is accepted
        }
    }

    private List<String> templates()
    {
        final List<String> out = new ArrayList<>();
        try (Journal journal = new Journal(dir.resolve("journal"), "FAST_DAILY");
            JournalReader reader = journal.newReader())
        {
            reader.scanFromStart(new JournalReader.Visitor()
            {
                @Override
                public void onAccepted(final long messageId, final AcceptedRecord record)
                {
                }

                @Override
                public void onState(final long messageId, final byte state, final byte attempts, final byte channel,
                    final short reason, final long atMs)
                {
                }

                @Override
                public void onTemplate(final long index, final byte[] id, final byte[] text)
                {
                    out.add(new String(id, StandardCharsets.UTF_8) + "=" + new String(text, StandardCharsets.UTF_8));
                }
            }, new AcceptedRecord());
        }
        return out;
    }
}
