package io.dispatch.directory;

import io.dispatch.protocol.DirectoryOp;
import io.dispatch.protocol.DirectoryOpWriter;

import java.nio.charset.StandardCharsets;

/** Test helper: validates and applies what a {@link DirectoryOpWriter} encoded. */
final class Ops
{
    private final DirectoryOp op = new DirectoryOp();

    /** @return the directory's answer; fails when the op does not validate. */
    String apply(final Directory directory, final int tenant, final DirectoryOpWriter w, final long atMs)
    {
        op.wrap(w.buffer(), 0, w.length());
        final String invalid = op.validate();
        if (invalid != null)
        {
            throw new AssertionError("op does not validate: " + invalid);
        }
        return directory.apply(tenant, op, atMs);
    }

    static byte[] bytes(final String s)
    {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static int ordinal(final TenantDirectory t, final String id)
    {
        final byte[] b = bytes(id);
        return t.ordinal(b, 0, b.length);
    }

    static String address(final TenantDirectory t, final int ordinal, final int channel)
    {
        final byte[] dst = new byte[512];
        final int n = t.address(ordinal, channel, dst, 0);
        return n <= 0 ? null : new String(dst, 0, n, StandardCharsets.UTF_8);
    }

    static String text(final TenantDirectory t, final int ordinal, final String attribute)
    {
        final byte[] dst = new byte[1100];
        final int n = t.attributeText(ordinal, t.attributeId(attribute), dst, 0);
        return n < 0 ? null : new String(dst, 0, n, StandardCharsets.UTF_8);
    }
}
