package io.dispatch.fuzz;

/** Assertions for fuzz targets: an AssertionError is what Jazzer reports as a finding, with the input. */
final class Fuzz
{
    private Fuzz()
    {
    }

    static void check(final boolean condition, final String problem)
    {
        if (!condition)
        {
            throw new AssertionError(problem);
        }
    }
}
