package io.dispatch.bench;

import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * JMH defaults shared by every benchmark of the suite: 2 forks, 3 warm-up and 5 measured iterations of
 * 2 s each, a fixed 2 GiB heap so heap resizing does not show up as noise. The project JVM flags
 * (config/jvm) are not here: annotations cannot pick them by JDK version, so {@link BenchMain} appends them.
 * Subclasses choose the mode, unit and state scope for their subject.
 */
@Fork(value = 2, jvmArgs = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 2, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 2, timeUnit = TimeUnit.SECONDS)
public abstract class AbstractBenchmark
{
}
