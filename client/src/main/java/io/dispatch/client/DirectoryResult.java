package io.dispatch.client;

import io.dispatch.protocol.ErrorCode;

import java.util.List;

/**
 * The answer to {@link DispatchClient#updateDirectory} (DIRECTORY_RESULT), sent once the applied ops are
 * journaled. Every op of the batch is either applied whole or rejected.
 *
 * @param applied    the number of ops applied.
 * @param rejections the ops not applied, by index in the batch, in the engine's order.
 */
public record DirectoryResult(int applied, List<Rejection> rejections)
{
    /**
     * One op the engine did not apply.
     *
     * @param index   its 0-based index in the batch.
     * @param code    why (usually {@link ErrorCode#INVALID_FIELD}).
     * @param problem what is wrong, naming the field.
     */
    public record Rejection(int index, ErrorCode code, String problem)
    {
    }

    public DirectoryResult
    {
        rejections = List.copyOf(rejections);
    }
}
