package io.dispatch.protocol;

/** Message type ids of protocol v1 (byte 5 of the header). Stable: never renumber. */
public final class MessageType
{
    public static final byte HELLO = 0x01;
    public static final byte HELLO_OK = 0x02;
    public static final byte OK = 0x03;

    public static final byte SUBMIT = 0x10;
    public static final byte SUBMIT_BATCH = 0x11;
    public static final byte ACK = 0x12;
    public static final byte NACK = 0x13;
    public static final byte CREDIT = 0x14;
    /** The answer to a dry-run SUBMIT: the decision, not sent. */
    public static final byte EXPLAIN_RESULT = 0x15;
    public static final byte CANCEL = 0x16;
    public static final byte CANCEL_RESULT = 0x17;

    public static final byte STATUS = 0x20;
    public static final byte STATUS_RESULT = 0x21;
    public static final byte SUBSCRIBE = 0x22;
    public static final byte RECEIPT = 0x23;
    public static final byte RECEIPTS_DROPPED = 0x24;

    public static final byte CONSENT = 0x40;

    public static final byte PING = 0x30;
    public static final byte PONG = 0x31;

    public static final byte ERROR = 0x7E;
    public static final byte GOODBYE = 0x7F;

    private MessageType()
    {
    }

    public static String name(final byte type)
    {
        switch (type)
        {
            case HELLO: return "HELLO";
            case HELLO_OK: return "HELLO_OK";
            case OK: return "OK";
            case SUBMIT: return "SUBMIT";
            case SUBMIT_BATCH: return "SUBMIT_BATCH";
            case ACK: return "ACK";
            case NACK: return "NACK";
            case CREDIT: return "CREDIT";
            case EXPLAIN_RESULT: return "EXPLAIN_RESULT";
            case CANCEL: return "CANCEL";
            case CANCEL_RESULT: return "CANCEL_RESULT";
            case CONSENT: return "CONSENT";
            case STATUS: return "STATUS";
            case STATUS_RESULT: return "STATUS_RESULT";
            case SUBSCRIBE: return "SUBSCRIBE";
            case RECEIPT: return "RECEIPT";
            case RECEIPTS_DROPPED: return "RECEIPTS_DROPPED";
            case PING: return "PING";
            case PONG: return "PONG";
            case ERROR: return "ERROR";
            case GOODBYE: return "GOODBYE";
            default: return "UNKNOWN(0x" + Integer.toHexString(type & 0xFF) + ")";
        }
    }
}
