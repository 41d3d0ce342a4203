package io.dispatch.client;

import io.dispatch.protocol.ErrorCode;

/**
 * The engine said GOODBYE on its own: it is stopping (reason {@link ErrorCode#SHUTTING_DOWN} during a drain or a
 * rolling restart). The client holds new requests and reconnects no sooner than {@code retryAfterMs} (capped at
 * {@link ClientConfig#reconnectMaxBackoffMs()}); an application behind several engines may go to another one at once.
 *
 * @param reason       the error code the engine gave ({@link ErrorCode#INTERNAL} for a code this client does not
 *                     know), or null for 0, a plain GOODBYE.
 * @param reasonCode   the code as sent.
 * @param retryAfterMs the engine's hint, 0 when it gave none.
 * @param atEpochMs    when this client received it.
 */
public record EngineGoodbye(ErrorCode reason, int reasonCode, long retryAfterMs, long atEpochMs)
{
}
