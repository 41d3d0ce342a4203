package io.dispatch;

import io.dispatch.config.ConfigurationException;
import io.dispatch.config.Settings;
import io.dispatch.testing.ChildEngine;
import io.dispatch.testing.EngineFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One engine per data dir, in one JVM (EngineProcessIT covers two processes). */
@Timeout(120)
class DataDirLockTest
{
    @TempDir
    Path dir;

    @Test
    void shouldRefuseASecondEngineOnTheSameDirAndLetTheNextOneStartAfterClose() throws Exception
    {
        final Settings settings = EngineFixture.settings(dir);
        try (Dispatcher first = EngineFixture.launch(settings))
        {
            assertThatThrownBy(() -> EngineFixture.launch(settings))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("configuration key 'data.dir': " + dir.toAbsolutePath() + " is in use by another engine (pid "
                    + ProcessHandle.current().pid() + ")");
            assertThat(first.isReady()).isTrue();
            // the refusal opened no descriptor of the lock file: closing one would drop the first engine's lock
            // (POSIX), and an engine in another process would then start on the same journal
            final ChildEngine.Exit other = ChildEngine.runToExit(dir, 60_000);
            assertThat(other.code()).isEqualTo(2);
            assertThat(other.text()).contains("is in use by another engine (pid " + ProcessHandle.current().pid() + ")");
        }
        assertThat(Files.readString(dir.resolve(DataDirLock.FILE_NAME)).trim())
            .isEqualTo(Long.toString(ProcessHandle.current().pid()));
        try (Dispatcher again = EngineFixture.launch(settings))
        {
            assertThat(again.isReady()).isTrue();
        }
    }
}
