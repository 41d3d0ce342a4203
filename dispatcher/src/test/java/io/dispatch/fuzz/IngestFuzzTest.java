package io.dispatch.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The protocol decoding of the ingest edge, fuzzed end to end: frames (raw, or well-framed with fuzzed bodies
 * of every request type, see {@link FrameStream}) go through the real framer and session into a real engine.
 * A crash is an unexpected exception on a connection or in any engine thread, a malformed answer, or no
 * answer (hang). Every input must leave the engine serving: a fresh connection's HELLO and SUBMIT are
 * ACKed (checked after each input in the normal build, every {@value #SERVE_CHECK_EVERY} inputs and at the
 * end when fuzzing). The normal build replays the seeds in {@code IngestFuzzTestInputs/frames};
 * {@code scripts/fuzz ingest} fuzzes.
 */
class IngestFuzzTest
{
    private static final int SERVE_CHECK_EVERY = 1000;
    private static final boolean FUZZING = System.getenv("JAZZER_FUZZ") != null && !System.getenv("JAZZER_FUZZ").isEmpty();

    private static IngestHarness harness;

    @BeforeAll
    static void startEngine() throws Exception
    {
        harness = new IngestHarness();
    }

    @AfterAll
    static void stopEngine() throws Exception
    {
        try
        {
            harness.checkServes();
            System.out.printf("ingest fuzz: %d inputs, engine serving, heap after GC %d MB;%s%n", harness.inputs(),
                harness.heapUsedAfterGc() >> 20, harness.reach());
        }
        finally
        {
            harness.close();
        }
    }

    @FuzzTest(maxDuration = "60s")
    void frames(final byte[] input) throws Exception
    {
        harness.run(input);
        if (!FUZZING || harness.inputs() % SERVE_CHECK_EVERY == 0)
        {
            harness.checkServes();
        }
    }
}
