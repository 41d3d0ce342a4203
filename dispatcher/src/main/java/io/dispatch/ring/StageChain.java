package io.dispatch.ring;

import com.lmax.disruptor.EventHandler;

/**
 * Runs several stages on one ring consumer thread, in order. On a 2-core machine a thread per stage
 * costs more in context switches than the stages cost themselves; each stage stays its own small class
 * and a bigger machine can give it its own thread by changing the topology, not the stage.
 */
public final class StageChain implements EventHandler<DispatchEvent>
{
    private final EventHandler<DispatchEvent>[] stages;

    @SafeVarargs
    @SuppressWarnings("varargs")
    public StageChain(final EventHandler<DispatchEvent>... stages)
    {
        this.stages = stages.clone();
    }

    @Override
    public void onEvent(final DispatchEvent event, final long sequence, final boolean endOfBatch) throws Exception
    {
        for (final EventHandler<DispatchEvent> stage : stages)
        {
            stage.onEvent(event, sequence, endOfBatch);
        }
    }

    @Override
    public void onStart()
    {
        for (final EventHandler<DispatchEvent> stage : stages)
        {
            stage.onStart();
        }
    }

    @Override
    public void onShutdown()
    {
        for (final EventHandler<DispatchEvent> stage : stages)
        {
            stage.onShutdown();
        }
    }
}
