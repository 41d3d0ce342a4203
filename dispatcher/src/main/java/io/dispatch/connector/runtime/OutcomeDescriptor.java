package io.dispatch.connector.runtime;

/**
 * Layout of one record of the lane's {@link OutcomeQueue}: a connector thread's outcome or receipt, or another
 * lane's hand-off, for the lane thread. The record's type (ACCEPTED, REJECTED, ...) is the ring buffer's message
 * type id. {@link OutcomeQueue#outcome} writes it and {@code ConnectorLane}'s outcome handler reads it, both at
 * these offsets; native byte order (one process).
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                          Message id                           |  0
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |    Extra (RECEIPT: the state; HANDOFF: 1 = priority queue)    |  8
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |               Window slot (-1 for a receipt)                  | 16
 *  +---------------------------------------------------------------+
 *  |                         Reason code                           | 20
 *  +---------------------------------------------------------------+
 * </pre>
 */
final class OutcomeDescriptor
{
    static final int MESSAGE_ID_OFFSET = 0;
    static final int EXTRA_OFFSET = 8;
    static final int SLOT_OFFSET = 16;
    static final int REASON_OFFSET = 20;
    static final int LENGTH = 24;

    private OutcomeDescriptor()
    {
    }
}
