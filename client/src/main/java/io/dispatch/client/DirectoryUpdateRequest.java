package io.dispatch.client;

import io.dispatch.netty.ByteBufFrames;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.MessageType;
import io.netty.buffer.ByteBuf;

import java.util.ArrayList;
import java.util.List;

/** A DIRECTORY_UPDATE on its way: one credit for the whole batch, answered by DIRECTORY_RESULT. */
final class DirectoryUpdateRequest extends AnswerRequest<DirectoryResult>
{
    private final int count;
    private final byte[] items;

    DirectoryUpdateRequest(final DirectoryBatch batch)
    {
        this.count = batch.size();
        this.items = batch.copyItems();
    }

    @Override
    int frameLength()
    {
        return DirectoryBatch.FRAME_OVERHEAD + items.length;
    }

    @Override
    void write(final ByteBuf out)
    {
        final int start = ByteBufFrames.beginFrame(out, MessageType.DIRECTORY_UPDATE, 0, correlationId);
        out.writeShortLE(count);
        out.writeShortLE(0);
        out.writeBytes(items);
        ByteBufFrames.endFrame(out, start);
    }

    @Override
    byte answerType()
    {
        return MessageType.DIRECTORY_RESULT;
    }

    /** u16 applied, u16 rejectedCount, then rejectedCount x (u16 index, u16 errorCode, str16 problem). */
    @Override
    DirectoryResult decode(final ByteBuf frame, final int body, final int bodyLength)
    {
        if (bodyLength < 4)
        {
            throw new IndexOutOfBoundsException("DIRECTORY_RESULT body of " + bodyLength + " bytes");
        }
        final int end = body + bodyLength;
        final int applied = frame.getUnsignedShortLE(body);
        final int rejectedCount = frame.getUnsignedShortLE(body + 2);
        final List<DirectoryResult.Rejection> rejections = new ArrayList<>(rejectedCount);
        int p = body + 4;
        for (int i = 0; i < rejectedCount; i++)
        {
            if (p + 6 > end || p + 6 + frame.getUnsignedShortLE(p + 4) > end)
            {
                throw new IndexOutOfBoundsException("DIRECTORY_RESULT rejection " + i + " beyond the body");
            }
            rejections.add(new DirectoryResult.Rejection(frame.getUnsignedShortLE(p),
                ErrorCode.of(frame.getUnsignedShortLE(p + 2)), ByteBufFrames.readStr16(frame, p + 4)));
            p += 6 + frame.getUnsignedShortLE(p + 4);
        }
        return new DirectoryResult(applied, rejections);
    }
}
