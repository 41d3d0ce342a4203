package io.dispatch;

import sun.misc.Signal;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * SIGTERM and SIGINT start a graceful drain on a thread of its own; a second signal stops the process at once.
 * <p>
 * The JVM's own handling of these signals runs the shutdown hooks and exits with 128 + signal (143 for
 * SIGTERM), which a supervisor reads as a crash; replacing the handlers lets a drained engine exit 0.
 * {@code sun.misc.Signal} (module jdk.unsupported) is the only JDK API for it.
 */
public final class Shutdown
{
    private Shutdown()
    {
    }

    public static void onSignals(final Runnable drain)
    {
        final AtomicBoolean draining = new AtomicBoolean();
        final sun.misc.SignalHandler handler = signal ->
        {
            if (draining.compareAndSet(false, true))
            {
                final Thread t = new Thread(drain, "drain");
                t.start();
                return;
            }
            System.err.println("SIG" + signal.getName() + " again while draining: stopping at once; messages in flight" +
                " are sent again after the next start");
            Runtime.getRuntime().halt(128 + signal.getNumber());
        };
        Signal.handle(new Signal("TERM"), handler);
        Signal.handle(new Signal("INT"), handler);
    }

    /** SIGHUP runs {@code reload} on a thread of its own (it reads a file; its outcome is logged). */
    static void onReload(final Runnable reload)
    {
        Signal.handle(new Signal("HUP"), signal -> new Thread(reload, "config-reload").start());
    }
}
