package io.dispatch.testing;

import java.nio.file.Path;

/**
 * {@code ConnectorContext.dataDir()} for test contexts whose connectors keep no durable state: a unique path under
 * {@code java.io.tmpdir} that nothing creates. Contexts of connectors that do persist (smpp) take a real directory.
 */
public final class StatelessConnectorDir
{
    private StatelessConnectorDir()
    {
    }

    public static Path of(final String laneName, final Object context)
    {
        return Path.of(System.getProperty("java.io.tmpdir"), "connector-" + laneName + "-" + System.identityHashCode(context));
    }
}
