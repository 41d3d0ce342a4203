package io.dispatch.client;

import io.dispatch.protocol.ErrorCode;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One request on its way through the client: offered by any thread into the {@link RequestQueue}, then owned by
 * the I/O thread (waiting for credit, in flight, answered).
 * <p>
 * Completion is once-only through {@link #tryFinish()}, a CAS, because a request can race between the I/O
 * thread (answer, timeout) and the offering thread (close while offering). Every other field is written by the
 * I/O thread only.
 */
abstract class Request
{
    private static final VarHandle FINISHED;

    static
    {
        try
        {
            FINISHED = MethodHandles.lookup().findVarHandle(Request.class, "finished", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /** Link of the intrusive {@link RequestQueue}; written once by the producer that enqueues after this one. */
    volatile Request next;

    @SuppressWarnings("unused")
    private volatile int finished;

    long correlationId;
    long deadlineNs;

    /** @return true when the request costs one credit (SUBMIT, STATUS) and counts against the local queue bound. */
    abstract boolean costsCredit();

    /** Tells the caller about an engine NACK; runs after {@link #tryFinish()} succeeded. */
    abstract void onNack(ErrorCode code, String detail);

    /** Tells the caller about any other failure; runs after {@link #tryFinish()} succeeded. */
    abstract void onFailure(DispatchException failure);

    /** @return true for exactly one caller: the one that completes the request. */
    final boolean tryFinish()
    {
        return FINISHED.compareAndSet(this, 0, 1);
    }

    final boolean isFinished()
    {
        return finished != 0;
    }

    final void nack(final ErrorCode code, final String detail)
    {
        if (tryFinish())
        {
            try
            {
                onNack(code, detail);
            }
            catch (final Throwable t)
            {
                ErrorLog.callbackFailed(t);
            }
        }
    }

    final void fail(final DispatchException failure)
    {
        if (tryFinish())
        {
            try
            {
                onFailure(failure);
            }
            catch (final Throwable t)
            {
                ErrorLog.callbackFailed(t);
            }
        }
    }
}
