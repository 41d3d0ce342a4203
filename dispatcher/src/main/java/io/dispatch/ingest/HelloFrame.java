package io.dispatch.ingest;

import io.dispatch.netty.ByteBufFrames;
import io.dispatch.protocol.FrameDescriptor;
import io.netty.buffer.ByteBuf;

/**
 * HELLO's body: u8 minVersion, u8 maxVersion, u16 reserved, str8 tenant, str8 apiKey, str8 clientName. Read once per
 * connection, so it may allocate (the three strings).
 */
final class HelloFrame
{
    static final int TENANT = 0;
    static final int API_KEY = 1;
    static final int CLIENT_NAME = 2;
    private static final int STRINGS_OFFSET = 4;
    private static final String VERSION_PROBLEM = "client speaks ";

    private HelloFrame()
    {
    }

    /**
     * @param fields receives tenant, apiKey and clientName at {@link #TENANT}, {@link #API_KEY}, {@link #CLIENT_NAME}.
     * @return null, or what is wrong: {@link #isVersionProblem} tells a version mismatch from a broken body.
     */
    static String read(final ByteBuf frame, final int offset, final int length, final String[] fields)
    {
        if (length < STRINGS_OFFSET)
        {
            return "HELLO body shorter than 4 bytes";
        }
        final int end = offset + length;
        final int minVersion = frame.getUnsignedByte(offset);
        final int maxVersion = frame.getUnsignedByte(offset + 1);
        int p = offset + STRINGS_OFFSET;
        for (int i = 0; i < 3; i++)
        {
            if (p >= end || p + 1 + frame.getUnsignedByte(p) > end)
            {
                return "HELLO truncated";
            }
            fields[i] = ByteBufFrames.readStr8(frame, p);
            p += 1 + frame.getUnsignedByte(p);
        }
        if (minVersion > FrameDescriptor.CURRENT_VERSION || maxVersion < FrameDescriptor.CURRENT_VERSION)
        {
            return VERSION_PROBLEM + minVersion + ".." + maxVersion + "; this server speaks 1..1";
        }
        return null;
    }

    static boolean isVersionProblem(final String problem)
    {
        return problem.startsWith(VERSION_PROBLEM);
    }
}
