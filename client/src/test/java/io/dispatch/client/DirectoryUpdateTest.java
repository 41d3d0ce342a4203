package io.dispatch.client;

import io.dispatch.protocol.DirectoryOp;
import io.dispatch.protocol.DirectoryOpWriter;
import io.dispatch.protocol.ErrorCode;
import io.dispatch.protocol.MessageType;
import org.junit.jupiter.api.Test;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DirectoryUpdateTest extends PeerTestBase
{
    private final DirectoryOpWriter writer = new DirectoryOpWriter();

    @Test
    void shouldSendABatchAsOneFrameAndReportRejectionsByIndex() throws Exception
    {
        peer.directoryRejectRule = subject -> subject.equals("u2") ? "recipient id 'u2' is blocked" : null;
        final DispatchClient client = connect(config());
        final DirectoryBatch batch = new DirectoryBatch();
        batch.tryAdd(writer.upsert("u1").string("gender", "F").integer("birth_year", 1990));
        batch.tryAdd(writer.upsert("u2").string("region", "seoul"));
        batch.tryAdd(writer.upsert("u3").string("gender", "Q"));
        batch.tryAdd(writer.delete("u4"));

        final DirectoryResult result = client.updateDirectory(batch).get(5, TimeUnit.SECONDS);

        assertThat(result.applied()).isEqualTo(2);
        assertThat(result.rejections()).containsExactly(
            new DirectoryResult.Rejection(1, ErrorCode.INVALID_FIELD, "recipient id 'u2' is blocked"),
            new DirectoryResult.Rejection(2, ErrorCode.INVALID_FIELD, "field 'gender' must be F, M or X"));
        assertThat(peer.frames.stream().filter(f -> f.type() == MessageType.DIRECTORY_UPDATE)).hasSize(1);
        assertThat(peer.directoryOps).hasSize(4);
        assertThat(peer.creditViolations).hasValue(0);
    }

    @Test
    void shouldLetTheBatchBeReusedOnceHandedOver() throws Exception
    {
        final DispatchClient client = connect(config());
        final DirectoryBatch batch = new DirectoryBatch();
        batch.tryAdd(writer.upsert("first"));
        final var pending = client.updateDirectory(batch);
        batch.clear();
        batch.tryAdd(writer.upsert("second"));
        assertThat(pending.get(5, TimeUnit.SECONDS).applied()).isEqualTo(1);
        assertThat(client.updateDirectory(batch).get(5, TimeUnit.SECONDS).applied()).isEqualTo(1);

        final byte[] first = peer.directoryOps.take();
        assertThat(new DirectoryOp().wrap(first, 0, first.length)).satisfies(op ->
        {
            assertThat(op.validate()).isNull();
            assertThat(op.subject()).isEqualTo("first");
        });
    }

    @Test
    void shouldFailLocallyWhenTheFrameIsAboveTheEnginesCap() throws Exception
    {
        peer.maxFrameLength = 4096;
        final DispatchClient client = connect(config());
        final DirectoryBatch batch = new DirectoryBatch();
        for (int i = 0; i < 100; i++)
        {
            batch.tryAdd(writer.upsert("recipient-" + i).string("region", "x".repeat(40)));
        }

        assertThatThrownBy(() -> client.updateDirectory(batch).get(5, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class)
            .cause().isInstanceOfSatisfying(DispatchException.class, ex ->
            {
                assertThat(ex.kind()).isEqualTo(DispatchException.Kind.LOCAL);
                assertThat(ex.code()).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
            });
        assertThat(peer.directoryOps).isEmpty();
    }

    @Test
    void shouldStopAddingAtTheOpCountAndAtTheFrameCap()
    {
        final DirectoryBatch byCount = new DirectoryBatch();
        int added = 0;
        while (byCount.tryAdd(writer.delete("r" + added)))
        {
            added++;
        }
        assertThat(added).isEqualTo(DirectoryOp.MAX_BATCH_COUNT);

        final DirectoryBatch bySize = new DirectoryBatch(1024);
        writer.upsert("big").string("region", "y".repeat(300));
        assertThat(bySize.tryAdd(writer)).isTrue();
        assertThat(bySize.tryAdd(writer)).isTrue();
        assertThat(bySize.tryAdd(writer)).isTrue();
        assertThat(bySize.tryAdd(writer)).isFalse();
        assertThat(bySize.size()).isEqualTo(3);
        assertThat(bySize.frameLength()).isLessThanOrEqualTo(1024);
    }

    @Test
    void shouldRefuseAnEmptyBatch()
    {
        final DispatchClient client = connect(config());
        assertThatThrownBy(() -> client.updateDirectory(new DirectoryBatch()))
            .isInstanceOf(IllegalArgumentException.class);
    }
}
