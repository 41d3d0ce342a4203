package io.dispatch.protocol;

/**
 * Layout of the frame header shared by every message of protocol v1. All integers are little-endian.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                 Frame Length (bytes after this field)         |
 *  +---------------+---------------+-------------------------------+
 *  |    Version    |     Type      |            Flags              |
 *  +---------------+---------------+-------------------------------+
 *  |                        Correlation Id                         |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                         Body ...                             ...
 * </pre>
 */
public final class FrameDescriptor
{
    public static final int LENGTH_OFFSET = 0;
    public static final int LENGTH_FIELD_LENGTH = 4;
    public static final int VERSION_OFFSET = 4;
    public static final int TYPE_OFFSET = 5;
    public static final int FLAGS_OFFSET = 6;
    public static final int CORRELATION_ID_OFFSET = 8;
    public static final int HEADER_LENGTH = 16;

    /** Smallest legal value of the length field: a frame with an empty body. */
    public static final int MIN_FRAME_LENGTH_FIELD = HEADER_LENGTH - LENGTH_FIELD_LENGTH;

    public static final byte VERSION_1 = 1;
    public static final byte CURRENT_VERSION = VERSION_1;

    /** Default cap on a whole frame (header included), negotiated in HELLO_OK. */
    public static final int DEFAULT_MAX_FRAME_LENGTH = 1 << 20;

    private FrameDescriptor()
    {
    }
}
