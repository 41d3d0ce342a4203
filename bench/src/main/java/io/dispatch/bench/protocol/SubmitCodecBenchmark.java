package io.dispatch.bench.protocol;

import io.dispatch.bench.AbstractBenchmark;
import io.dispatch.bench.SubmitSamples;
import io.dispatch.netty.ByteBufFrames;
import io.dispatch.netty.ByteBufView;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.SubmitFlyweight;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The SUBMIT codec on a typical message ({@code template}: template id and two variables; {@code text}: a
 * 160-character SMS). {@code wrapAndValidate} is the engine's ingest path and should allocate nothing:
 * run with {@code -prof gc} and read {@code gc.alloc.rate.norm} (B/op). {@code encode} is the client's
 * path; it allocates by design (each string field is UTF-8 encoded into a new array).
 * Buffers are pooled direct ones, as Netty hands frames to the ingest handler, viewed as ingest does
 * ({@link ByteBufView}: the flyweight reads Agrona buffers).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class SubmitCodecBenchmark extends AbstractBenchmark
{
    @Param({SubmitSamples.TEMPLATE, SubmitSamples.TEXT})
    public String message;

    private final SubmitFlyweight flyweight = new SubmitFlyweight();
    private final ByteBufView view = new ByteBufView();
    private ByteBuf out;
    private ByteBuf encoded;
    private int encodedLength;
    private String templateId;
    private String text;
    private Map<String, String> vars;

    @Setup(Level.Trial)
    public void encodeSample()
    {
        out = PooledByteBufAllocator.DEFAULT.directBuffer(1024);
        encoded = PooledByteBufAllocator.DEFAULT.directBuffer(1024);
        encodedLength = SubmitSamples.encode(encoded, message);
        templateId = SubmitSamples.templateId(message);
        text = SubmitSamples.text(message);
        vars = SubmitSamples.vars(message);
        final ErrorCode invalid = flyweight.wrap(view.wrap(encoded), 0, encodedLength).validate();
        if (invalid != null)
        {
            throw new IllegalStateException("sample does not validate: " + invalid + " " + flyweight.invalidField());
        }
    }

    @TearDown(Level.Trial)
    public void release()
    {
        out.release();
        encoded.release();
    }

    @Benchmark
    public int encode()
    {
        out.clear();
        return ByteBufFrames.submitBody(out, SubmitSamples.KIND, SubmitSamples.CHANNEL, 0, SubmitSamples.KEY,
            SubmitSamples.RECIPIENT, templateId, text, vars);
    }

    @Benchmark
    public ErrorCode wrapAndValidate(final Blackhole bh)
    {
        final ErrorCode invalid = flyweight.wrap(view.wrap(encoded), 0, encodedLength).validate();
        // Consume what ingest reads next, so the field walk cannot be dropped as dead code.
        bh.consume(flyweight.varCount());
        bh.consume(flyweight.templateLength());
        return invalid;
    }
}
