package io.dispatch.journal;

/**
 * A crash-injection point for tests of kill -9 during a snapshot or a deletion: with the system property
 * {@code dispatch.test.crashAt=<point>} the process halts there at once (no shutdown hooks, no flush), as a kill -9
 * would. Points: {@code after_write} (snapshot written, not yet renamed), {@code after_rename},
 * {@code after_consent_archive} (consent records copied and forced, no cycle deleted yet),
 * {@code mid_retention} (after the first cycle file is deleted). Never set in production.
 */
final class SnapshotCrashPoint
{
    private static final String AT = System.getProperty("dispatch.test.crashAt");

    private SnapshotCrashPoint()
    {
    }

    static void reach(final String point)
    {
        if (point.equals(AT))
        {
            System.out.println("crash point reached: " + point);
            System.out.flush();
            Runtime.getRuntime().halt(137);
        }
    }
}
